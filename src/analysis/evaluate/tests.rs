//! Evaluation on the embedded councils: hidden links give the ranks of data that never held
//! them, `keep_known` leaves known pairs out, and the prepared values rank as the engine does.

use super::*;
use crate::diagnostic::SourceText;
use crate::model::{OrganisationId, Partnership, ServiceSet};
use crate::weights::{Survey, WeightSettings};

const FILE: &str = "id,members\n\
    aw,Adur District Council;Worthing Borough Council\n\
    3c,Cambridge City Council;Huntingdonshire District Council;South Cambridgeshire District Council\n\
    ce,Cheshire East Council;Cheshire West and Chester Council\n";

const CAMBRIDGE: &str = "E07000008";
const HUNTS: &str = "E07000011";

fn engine(dataset: Dataset) -> Engine {
    Engine::new(dataset, Survey::embedded().unwrap(), WeightSettings::default()).unwrap()
}

fn arrangements(dataset: &Dataset) -> Vec<Arrangement> {
    parse_arrangements(&SourceText::new("p.csv", FILE.to_owned()), dataset).unwrap().arrangements
}

/// The embedded bodies with no partnership known: the embedded data records real ones (Adur
/// and Worthing, ...), which these tests keep apart from the one link they add.
fn unlinked() -> Dataset {
    let mut orgs = Dataset::embedded().unwrap().organisations().to_vec();
    for o in &mut orgs {
        o.partnerships = None;
    }
    Dataset::from_organisations(orgs, "test").unwrap()
}

/// The embedded bodies, no partnership known, with Cambridge and Huntingdonshire (which do
/// not touch) recorded as partners (both sides).
fn with_link() -> Dataset {
    let mut orgs = unlinked().organisations().to_vec();
    let (cambridge, hunts) =
        (OrganisationId::new(CAMBRIDGE).unwrap(), OrganisationId::new(HUNTS).unwrap());
    for (from, to) in [(&cambridge, &hunts), (&hunts, &cambridge)] {
        let o = orgs.iter_mut().find(|o| o.id == *from).unwrap();
        o.partnerships = Some(vec![Partnership {
            partner: to.clone(),
            services: ServiceSet::EMPTY,
            since: None,
            name: None,
            kind: None,
            source: None,
        }]);
    }
    Dataset::from_organisations(orgs, "test").unwrap()
}

#[test]
fn hidden_links_give_the_ranks_of_data_without_them() {
    let plain = engine(unlinked());
    let linked = engine(with_link());
    let settings = EvaluateSettings::default();
    let without = evaluate(&plain, &arrangements(&plain.dataset), &settings).unwrap();
    let hidden = evaluate(&linked, &arrangements(&linked.dataset), &settings).unwrap();
    assert_eq!(hidden.hidden_links, 1);
    assert_eq!(without.hidden_links, 0);
    // Only the link differs, and it is hidden: the same pairs, the same ranks.
    assert_eq!(hidden.pairs, without.pairs);
    assert_eq!(hidden.engine, without.engine);
    // 2 + 6 + 2 ordered pairs.
    assert_eq!(hidden.engine.pairs, 10);
    // Left in, the link would have lifted Huntingdonshire for Cambridge (trust).
    let (c, h) = (linked.dataset.find(CAMBRIDGE).unwrap(), linked.dataset.find(HUNTS).unwrap());
    let rank_of = |e: &Engine| {
        let all = RankSettings { top: e.dataset.len(), ..RankSettings::default() };
        e.rank(c, &all).candidates.iter().position(|r| r.candidate == h).unwrap() + 1
    };
    let hidden_rank =
        hidden.pairs.iter().find(|p| p.body == c && p.partner == h).unwrap().engine.unwrap();
    assert_eq!(rank_of(&plain), hidden_rank);
    assert!(rank_of(&linked) < hidden_rank, "{} vs {hidden_rank}", rank_of(&linked));
}

#[test]
fn keep_known_leaves_known_pairs_out_and_counts_them() {
    let linked = engine(with_link());
    let settings = EvaluateSettings { keep_known: true, ..EvaluateSettings::default() };
    let kept = evaluate(&linked, &arrangements(&linked.dataset), &settings).unwrap();
    assert_eq!(kept.left_out_known, 2);
    assert_eq!(kept.engine.pairs, 8);
    let known = |p: &PairRank| {
        let ids = [
            &linked.dataset.organisations()[p.body].id,
            &linked.dataset.organisations()[p.partner].id,
        ];
        ids.iter().all(|id| [CAMBRIDGE, HUNTS].contains(&id.as_str()))
    };
    assert!(!kept.pairs.iter().any(known));
}

#[test]
fn baselines_rank_by_distance_and_boundary() {
    let plain = engine(Dataset::embedded().unwrap());
    let e = evaluate(&plain, &arrangements(&plain.dataset), &EvaluateSettings::default()).unwrap();
    let index = &plain.index;
    for p in &e.pairs {
        let d = index.distance_km(p.body, p.partner);
        let nearer = (0..index.len())
            .filter(|&c| {
                c != p.body
                    && index.distance_km(p.body, c).total_cmp(&d).then(c.cmp(&p.partner)).is_lt()
            })
            .count();
        assert_eq!(p.nearest, Some(nearer + 1));
        if index.adjacent(p.body, p.partner) {
            assert!(p.boundary.unwrap() <= p.nearest.unwrap());
        }
        assert_eq!(p.candidates, index.len() - 1);
    }
}

#[test]
fn prepared_values_rank_as_the_engine_does() {
    for dataset in [Dataset::embedded().unwrap(), with_link()] {
        let plain = engine(dataset);
        let list = arrangements(&plain.dataset);
        for mutual in [Mutual::Harmonic, Mutual::Forward] {
            let rank = RankSettings { mutual, ..RankSettings::default() };
            let settings = EvaluateSettings { rank: rank.clone(), keep_known: false };
            let e = evaluate(&plain, &list, &settings).unwrap();
            let prepared = Prepared::new(&plain, &list, &rank, false).unwrap();
            let weights =
                BodyWeights::from_survey(&plain.survey, &plain.dataset, &plain.settings).unwrap();
            let ranks: Vec<Option<usize>> =
                prepared.ranks(&weights, 25.0).into_iter().flatten().collect();
            let engine_ranks: Vec<Option<usize>> = e.pairs.iter().map(|p| p.engine).collect();
            assert_eq!(ranks, engine_ranks);
        }
    }
}

#[test]
fn prepared_values_follow_the_proximity_half_distance_as_the_engine_does() {
    let plain = engine(Dataset::embedded().unwrap());
    let list = arrangements(&plain.dataset);
    let mut rank = RankSettings::default();
    rank.params.proximity_half_km = 60.0;
    let e = evaluate(&plain, &list, &EvaluateSettings { rank, keep_known: false }).unwrap();
    let prepared = Prepared::new(&plain, &list, &RankSettings::default(), false).unwrap();
    let weights = BodyWeights::from_survey(&plain.survey, &plain.dataset, &plain.settings).unwrap();
    let ranks: Vec<Option<usize>> = prepared.ranks(&weights, 60.0).into_iter().flatten().collect();
    assert_eq!(ranks, e.pairs.iter().map(|p| p.engine).collect::<Vec<_>>());
}

use crate::score::Mutual;
