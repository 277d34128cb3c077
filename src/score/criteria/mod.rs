//! The criteria, one module each: a criterion's value for an ordered pair of bodies (`value`,
//! on the hot path), its reason in plain words (`reason`, for explanations) and the profile
//! fields the value reads (`FIELDS`, for "stated by" marks). The table at the foot of this file
//! lists each `Criterion` with its module, in enumeration order; the value array, the reason
//! and the fields are generated from it, so nothing else names the criteria one by one. The
//! bounds that exact ranking needs of each criterion live with the tree, in `rank::bounds`
//! (`Aggregate`, `SubjectBounds`, `upper_bound`) and `rank::lanes` (`GroupBounds`). No I/O.

use super::{Context, PairFacts, Value};
use crate::dataset::Dataset;
use crate::index::{Body, N_BARRIERS, NONE, barrier_at, reason_at, services_of};
use crate::model::{ControlType, Criterion, Enumeration, Organisation};

pub mod barrier_risk;
pub mod ict_fit;
pub mod kind_fit;
pub mod political_alignment;
pub mod proximity;
pub mod service_fit;
pub mod shared_geography;
pub mod shared_priorities;
pub mod size_fit;
pub mod trust;

/// The profile fields a criterion's value reads: the viewing side's, then the other side's.
pub(super) type Fields = (&'static [&'static str], &'static [&'static str]);

/// Profile fields that say where a body is, read by proximity.
const PLACE: &[&str] = &["location", "neighbours", "parent", "within"];
/// Profile fields that name the areas a body lies in, read by shared geography.
const AREAS: &[&str] =
    &["parent", "within", "combined_authority", "police_force_area", "region", "nation"];
/// A body that states no services is matched on what it delivers by statute (its kind).
const SERVICES: &[&str] = &["services_sought", "services_offered", "kind"];

/// What a criterion's reason reads: the pair (`from`'s view of `to`), its facts and value, and
/// the dataset for names.
#[derive(Clone, Copy)]
pub(super) struct Pair<'a> {
    pub(super) ctx: &'a Context<'a>,
    pub(super) dataset: &'a Dataset,
    pub(super) from: usize,
    pub(super) to: usize,
    pub(super) facts: &'a PairFacts,
    pub(super) value: Value,
}

impl Pair<'_> {
    /// The viewing side's profile.
    fn a(&self) -> &Organisation {
        &self.dataset.organisations()[self.from]
    }

    /// The other side's profile.
    fn b(&self) -> &Organisation {
        &self.dataset.organisations()[self.to]
    }
}

pub(super) fn name(dataset: &Dataset, i: usize) -> &str {
    dataset.organisations()[i].display_name()
}

pub(super) fn residents(n: f64) -> String {
    crate::number::thousands(n.round() as u64)
}

pub(super) fn list(items: Vec<&str>) -> String {
    match items.as_slice() {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// The services of the partnership between two bodies, as listed on either side.
pub(super) fn dataset_partnership(a: &Organisation, b: &Organisation) -> Option<u64> {
    let side = |x: &Organisation, y: &Organisation| {
        x.partnerships.iter().flatten().find(|p| p.partner == y.id).map(|p| p.services.bits())
    };
    match (side(a, b), side(b, a)) {
        (None, None) => None,
        (x, y) => Some(x.unwrap_or(0) | y.unwrap_or(0)),
    }
}

/// The plural of a kind's label: "unitary authority" gives "unitary authorities", "NHS
/// trust" gives "NHS trusts"; a proper name ("City of London") gets "bodies".
pub(super) fn plural(label: &str) -> String {
    let last = label.rsplit(' ').next().unwrap_or(label);
    if last.starts_with(|c: char| c.is_uppercase()) {
        return format!("{label} bodies");
    }
    match label.strip_suffix('y') {
        Some(stem) if !stem.ends_with(['a', 'e', 'i', 'o', 'u']) => format!("{stem}ies"),
        _ => format!("{label}s"),
    }
}

/// The table of criteria: each `Criterion` variant with its module, in `Criterion::all()`
/// order (checked at compile time; a missing criterion fails the matches). Generates
/// `values`, `reason` and `fields`.
macro_rules! criteria {
    ($($variant:ident => $module:ident),* $(,)?) => {
        /// Every criterion's value from `a`'s view of `b`, in `Criterion::all()` order.
        #[inline(always)]
        pub(super) fn values(
            ctx: &Context<'_>,
            a: &Body,
            b: &Body,
            facts: &PairFacts,
        ) -> [Value; Criterion::COUNT] {
            [$($module::value(ctx, a, b, facts)),*]
        }

        /// The plain-English reason for one criterion's value.
        pub(super) fn reason(criterion: Criterion, pair: &Pair<'_>) -> String {
            match criterion {
                $(Criterion::$variant => $module::reason(pair),)*
            }
        }

        /// The profile fields one criterion's value reads.
        pub(super) fn fields(criterion: Criterion) -> Fields {
            match criterion {
                $(Criterion::$variant => $module::FIELDS,)*
            }
        }

        // The table is in enumeration order, so `values` is indexed by `Criterion::index`.
        const _: () = {
            let order = [$(Criterion::$variant),*];
            let mut i = 0;
            while i < order.len() {
                assert!(order[i].index() == i, "the criteria table is in Criterion::all() order");
                i += 1;
            }
        };
    };
}

criteria! {
    Proximity => proximity,
    ServiceFit => service_fit,
    KindFit => kind_fit,
    SizeFit => size_fit,
    Trust => trust,
    BarrierRisk => barrier_risk,
    SharedPriorities => shared_priorities,
    SharedGeography => shared_geography,
    IctFit => ict_fit,
    PoliticalAlignment => political_alignment,
}
