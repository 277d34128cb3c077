//! The assembled engine: a dataset, its partner graph, the survey and weight settings, and the
//! compiled scoring index built from them. This is the one place the pipeline's stages are
//! joined, so commands, scenarios and examples all score the same way. No I/O.

use crate::dataset::{Dataset, FindError};
use crate::graph::PartnerGraph;
use crate::index::{CriterionWeights, ScoringIndex, WeightSource};
use crate::model::Organisation;
use crate::rank::{self, Partner, RankSettings, Ranking};
use crate::score::{Context, Explanation, explain};
use crate::weights::{Method, Survey, WeightError, WeightSettings, order_weights};

/// Everything needed to rank and explain.
#[derive(Debug, Clone)]
pub struct Engine {
    /// The bodies.
    pub dataset: Dataset,
    /// Their relations.
    pub graph: PartnerGraph,
    /// The survey the weights come from.
    pub survey: Survey,
    /// The weight settings in force (order, method).
    pub settings: WeightSettings,
    /// The compiled index.
    pub index: ScoringIndex,
}

impl Engine {
    /// Builds the engine. Fails only when the weight settings do not fit the survey (explicit
    /// weights against its order).
    pub fn new(
        dataset: Dataset,
        survey: Survey,
        settings: WeightSettings,
    ) -> Result<Self, WeightError> {
        // Checks the settings against the survey once; `weights_for` cannot fail afterwards.
        survey.weights(&settings)?;
        let graph = PartnerGraph::build(&dataset);
        // A body without its own criteria order takes the general order (`Survey::order_for`),
        // and explicit weights ignore orders altogether: for such bodies `weights_for` does not
        // depend on the body, so it is computed once, not once per body (it allocates).
        let general = std::sync::OnceLock::new();
        let criteria = |o: &Organisation| -> CriterionWeights {
            let weights = || *survey.weights_for(o, &settings).as_array();
            if o.criteria_order.is_none() { *general.get_or_init(weights) } else { weights() }
        };
        // A body's own reasons are ranked without ties and weighted with the survey's method;
        // explicit weights belong to the survey's own list, so rank order centroid stands in.
        let list_method = match survey.method() {
            Method::Explicit(_) => Method::RankOrderCentroid,
            m => m.clone(),
        };
        let ranked_list = |n: usize| -> Vec<f64> {
            if n == 0 {
                return Vec::new();
            }
            order_weights(&vec![1; n], &list_method).unwrap_or_else(|_| vec![1.0 / n as f64; n])
        };
        let source = WeightSource {
            criteria: &criteria,
            ranked_list: &ranked_list,
            barriers: survey.barrier_weights(),
        };
        let index = ScoringIndex::build(&dataset, &graph, &source);
        Ok(Self { dataset, graph, survey, settings, index })
    }

    /// Ranks the body a person names (id, name, short name or alias: `Dataset::find`) and
    /// returns its partners by id and name, best first: the ranking as a program that uses the
    /// crate keeps it. Fails when the name picks no body or several.
    pub fn partners(&self, body: &str, settings: &RankSettings) -> Result<Vec<Partner>, FindError> {
        let subject = self.dataset.find(body)?;
        Ok(self.rank(subject, settings).partners(&self.dataset))
    }

    /// Ranks one body's candidates (in parallel).
    pub fn rank(&self, subject: usize, settings: &RankSettings) -> Ranking {
        rank::rank(&self.index, subject, settings)
    }

    /// Explains one pair under the same settings as a ranking.
    pub fn explain(
        &self,
        subject: usize,
        candidate: usize,
        settings: &RankSettings,
    ) -> Explanation {
        let ctx: Context<'_> = rank::context(&self.index, subject, settings);
        explain(&ctx, &self.dataset, subject, candidate, settings.mutual)
    }
}
