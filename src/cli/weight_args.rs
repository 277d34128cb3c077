//! The weighting options every command that scores shares (`--method`, `--order`,
//! `--exponent`, `--weights`): one clap `Args` struct to flatten into a subcommand, turned into
//! the library's validated `WeightSettings` before any work starts.

use partnermatch::model::CriteriaOrder;
use partnermatch::request::Weighting;
use partnermatch::weights::{
    ExplicitWeights, MethodName, WeightError, WeightSettings, parse_order,
};

use super::UsageError;

/// Options that change how criteria are weighted. Without them, the survey file's order and
/// method are used (`--survey`, default: the embedded `profiles/survey.toml`).
#[derive(Debug, Clone, Default, clap::Args)]
#[command(next_help_heading = "Weighting")]
pub struct WeightArgs {
    /// Weighting method: rank_order_centroid (roc), rank_sum (rs), rank_reciprocal (rr),
    /// rank_exponent (re), sum_reciprocal (sr), equal, or explicit (with --weights). Default:
    /// the survey file's, rank_order_centroid as shipped.
    #[arg(long, value_name = "METHOD")]
    pub method: Option<MethodName>,

    /// Criteria order, highest priority first, separated by commas; join tied criteria with
    /// `+` or `=` (proximity,service_fit+kind_fit,size_fit,...). Every criterion exactly once.
    #[arg(long, value_name = "ORDER", value_parser = parse_order_arg)]
    pub order: Option<CriteriaOrder>,

    /// Exponent p of rank_exponent: 0 gives equal weights, 1 rank sum, larger values weigh the
    /// top of the order more [default: 2].
    #[arg(long, value_name = "P", allow_negative_numbers = true)]
    pub exponent: Option<f64>,

    /// Explicit weights, one per criterion: proximity=0.3,service_fit=0.2,... They must not
    /// increase along the order (match it with --order) and are scaled to sum to 1. Implies
    /// --method explicit.
    #[arg(long, value_name = "WEIGHTS", value_parser = parse_weights_arg)]
    pub weights: Option<ExplicitWeights>,
}

fn parse_order_arg(text: &str) -> Result<CriteriaOrder, WeightError> {
    parse_order(text)
}

fn parse_weights_arg(text: &str) -> Result<ExplicitWeights, WeightError> {
    ExplicitWeights::parse_criteria(text)
}

impl WeightArgs {
    /// Whether any weighting option was given.
    pub fn is_empty(&self) -> bool {
        self.method.is_none()
            && self.order.is_none()
            && self.exponent.is_none()
            && self.weights.is_none()
    }

    /// The library's raw weighting options.
    pub fn weighting(&self) -> Weighting {
        Weighting {
            method: self.method,
            exponent: self.exponent,
            order: self.order.clone(),
            weights: self.weights.clone(),
        }
    }

    /// The validated settings (the library's `Weighting::validate`), or a usage error (exit 2)
    /// naming every option at fault.
    pub fn settings(&self) -> Result<WeightSettings, UsageError> {
        self.weighting().validate().map(Option::unwrap_or_default).map_err(super::request_error)
    }
}

#[cfg(test)]
mod tests {
    use partnermatch::model::{Criterion, Enumeration};
    use partnermatch::weights::Method;

    use super::*;

    /// Builds the settings from options and checks the method's name, or the error's fragment.
    #[track_caller]
    fn check(args: WeightArgs, expected: Result<Option<&str>, &str>) {
        match (args.settings(), expected) {
            (Ok(settings), Ok(name)) => {
                assert_eq!(settings.method().map(Method::name), name);
            }
            (Err(err), Err(fragment)) => assert!(err.0.contains(fragment), "{}", err.0),
            (got, want) => panic!("got {got:?}, want {want:?}"),
        }
    }

    fn weights() -> ExplicitWeights {
        ExplicitWeights::for_criteria(Criterion::all().iter().map(|c| (*c, 1.0))).unwrap()
    }

    #[test]
    fn options_combine_into_settings_or_name_the_conflict() {
        check(WeightArgs::default(), Ok(None));
        let method = |m| WeightArgs { method: Some(m), ..WeightArgs::default() };
        check(method(MethodName::RankSum), Ok(Some("rank_sum")));
        check(method(MethodName::RankExponent), Ok(Some("rank_exponent")));
        check(method(MethodName::Explicit), Err("--method: the explicit method needs explicit"));
        let explicit = WeightArgs { weights: Some(weights()), ..WeightArgs::default() };
        check(explicit.clone(), Ok(Some("explicit")));
        check(
            WeightArgs { method: Some(MethodName::RankSum), ..explicit },
            Err("--weights: explicit weights are given, but the method is rank_sum"),
        );
        check(
            WeightArgs { exponent: Some(3.0), ..WeightArgs::default() },
            Err("--exponent: the exponent applies only to the rank_exponent method"),
        );
        check(
            WeightArgs { exponent: Some(-1.0), ..method(MethodName::RankExponent) },
            Err("--exponent: the exponent p = -1"),
        );
    }
}
