//! Leave-one-arrangement-out cross-validation: for each arrangement, the setting with the best
//! mean reciprocal rank on all the other arrangements is chosen, and the held-out arrangement
//! is scored with it; the held-out scores, pooled, are the cross-validated figures. Never
//! in-sample: no arrangement's own pairs choose the setting it is scored with. Ties between
//! settings go to the one listed first (the settings in force come first). No I/O.

use serde::Serialize;

use super::{Arrangement, BodyWeights, Metrics, Prepared, Tally};
use crate::dataset::Dataset;
use crate::model::CriteriaOrder;
use crate::weights::{Method, Survey, WeightError, WeightSettings};

/// The proximity half-distances the cross-validation tries (km): from about the distance
/// between neighbouring district centres' halves to a county's width.
pub const HALF_KM_GRID: [f64; 10] = [5.0, 10.0, 15.0, 20.0, 25.0, 30.0, 40.0, 50.0, 75.0, 100.0];

/// For each arrangement, the setting (row of `tallies[setting][arrangement]`) with the highest
/// Σ 1/rank over the other arrangements (the first on ties), and the pooled tally of each
/// held-out arrangement under its chosen setting. O(S · A²).
pub fn leave_one_out(tallies: &[Vec<Tally>]) -> (Vec<usize>, Tally) {
    let n_arrangements = tallies.first().map_or(0, Vec::len);
    let mut choices = Vec::with_capacity(n_arrangements);
    let mut pooled = Tally::default();
    for held_out in 0..n_arrangements {
        let mut best: Option<(usize, f64)> = None;
        for (s, row) in tallies.iter().enumerate() {
            // Summed afresh over the others (not total minus one), so equal settings tie
            // exactly.
            let others: f64 = row
                .iter()
                .enumerate()
                .filter(|(a, _)| *a != held_out)
                .map(|(_, t)| t.reciprocal_sum)
                .sum();
            if best.is_none_or(|(_, b)| others > b) {
                best = Some((s, others));
            }
        }
        let chosen = best.map_or(0, |(s, _)| s);
        choices.push(chosen);
        pooled.merge(&tallies[chosen][held_out]);
    }
    (choices, pooled)
}

/// One setting the cross-validation tries.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GridSetting {
    /// The weighting method's name.
    pub method: String,
    /// The proximity half-distance (km).
    pub proximity_half_km: f64,
    #[serde(skip)]
    method_value: Method,
}

/// A setting with its in-sample figures (on every arrangement: optimistic, for reference).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SettingFigures {
    /// The setting.
    #[serde(flatten)]
    pub setting: GridSetting,
    /// Its figures on all arrangements.
    pub in_sample: Metrics,
    /// How many held-out arrangements it was chosen for.
    pub chosen: usize,
}

/// The setting chosen for one held-out arrangement.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FoldChoice {
    /// The arrangement's id.
    pub arrangement: String,
    /// The chosen setting's position in `settings`.
    pub setting: usize,
}

/// The outcome of cross-validating engine settings.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CrossValidation {
    /// The cross-validated figures (each arrangement scored by the setting the others chose).
    pub cross_validated: Metrics,
    /// The settings in force, on every arrangement (nothing chosen, so not optimistic).
    pub current: Metrics,
    /// Every setting tried, the settings in force first.
    pub settings: Vec<SettingFigures>,
    /// The choice for each held-out arrangement.
    pub folds: Vec<FoldChoice>,
}

/// Cross-validates the weighting method and the proximity half-distance (`HALF_KM_GRID`)
/// around the settings in force, keeping their criteria order. Under explicit weights only the
/// half-distance varies. Costs one weighted pass over the prepared values per setting.
pub fn cross_validate(
    prepared: &Prepared,
    arrangements: &[Arrangement],
    survey: &Survey,
    dataset: &Dataset,
    settings: &WeightSettings,
) -> Result<CrossValidation, WeightError> {
    let order: Option<CriteriaOrder> = settings.order().cloned();
    let current_method = settings.method().unwrap_or(survey.method()).clone();
    let mut methods = vec![current_method.clone()];
    if !matches!(current_method, Method::Explicit(_)) {
        for m in [
            Method::RankOrderCentroid,
            Method::RankSum,
            Method::RankReciprocal,
            Method::RankExponent { p: Method::DEFAULT_EXPONENT },
            Method::SumReciprocal,
            Method::Equal,
        ] {
            if !methods.contains(&m) {
                methods.push(m);
            }
        }
    }
    let current_half = prepared.proximity_half_km();
    let mut halves = vec![current_half];
    halves.extend(HALF_KM_GRID.iter().copied().filter(|h| h.to_bits() != current_half.to_bits()));
    let mut grid = Vec::new();
    let mut tallies = Vec::new();
    for method in &methods {
        let weights = BodyWeights::from_survey(
            survey,
            dataset,
            &WeightSettings::new(order.clone(), Some(method.clone()))?,
        )?;
        for &half in &halves {
            grid.push(GridSetting {
                method: method.name().to_owned(),
                proximity_half_km: half,
                method_value: method.clone(),
            });
            tallies.push(prepared.tallies(&weights, half));
        }
    }
    let (choices, pooled) = leave_one_out(&tallies);
    let total = |row: &Vec<Tally>| {
        let mut t = Tally::default();
        row.iter().for_each(|x| t.merge(x));
        t.metrics()
    };
    let settings = grid
        .into_iter()
        .zip(&tallies)
        .enumerate()
        .map(|(i, (setting, row))| SettingFigures {
            setting,
            in_sample: total(row),
            chosen: choices.iter().filter(|&&c| c == i).count(),
        })
        .collect::<Vec<_>>();
    Ok(CrossValidation {
        cross_validated: pooled.metrics(),
        current: settings.first().map_or_else(Metrics::default, |s| s.in_sample),
        folds: choices
            .iter()
            .zip(arrangements)
            .map(|(&setting, a)| FoldChoice { arrangement: a.id.clone(), setting })
            .collect(),
        settings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tally(rr: f64) -> Tally {
        Tally { pairs: 1, hits: [0; 4], reciprocal_sum: rr }
    }

    #[test]
    fn each_held_out_arrangement_is_scored_by_the_setting_the_others_prefer() {
        // Setting 0 is best on arrangements 0 and 1, setting 1 on arrangement 2 by far.
        let tallies = vec![
            vec![tally(1.0), tally(1.0), tally(0.0)],
            vec![tally(0.5), tally(0.5), tally(1.0)],
        ];
        let (choices, pooled) = leave_one_out(&tallies);
        // Holding out 0: others give 1.0 vs 1.5 -> setting 1; holding out 1: the same; holding
        // out 2: 2.0 vs 1.0 -> setting 0.
        assert_eq!(choices, vec![1, 1, 0]);
        // Held-out scores: 0.5 + 0.5 + 0.0, never the in-sample best of 1 + 1 + 1.
        assert!((pooled.reciprocal_sum - 1.0).abs() < 1e-12);
        assert_eq!(pooled.pairs, 3);
    }

    #[test]
    fn ties_go_to_the_first_setting() {
        let tallies = vec![vec![tally(0.5), tally(0.5)], vec![tally(0.5), tally(0.5)]];
        assert_eq!(leave_one_out(&tallies).0, vec![0, 0]);
    }
}
