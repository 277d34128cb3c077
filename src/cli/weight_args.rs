//! The weighting options every command that scores shares (`--method`, `--order`,
//! `--exponent`, `--weights`): one clap `Args` struct to flatten into a subcommand, turned into
//! the library's validated `WeightSettings` before any work starts.

use partnermatch::model::CriteriaOrder;
use partnermatch::weights::{
    ExplicitWeights, Method, MethodName, WeightError, WeightSettings, parse_order,
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

    /// The validated settings, or a usage error (exit 2) naming the option at fault.
    pub fn settings(&self) -> Result<WeightSettings, UsageError> {
        let method = match (self.method, &self.weights) {
            (None | Some(MethodName::Explicit), Some(weights)) => {
                Some(Method::Explicit(weights.clone()))
            }
            (Some(other), Some(_)) => {
                return Err(UsageError(format!(
                    "--weights gives explicit weights, but --method is {other}: drop --method, \
                     or pass --method explicit"
                )));
            }
            (Some(MethodName::Explicit), None) => {
                return Err(UsageError(
                    "--method explicit needs --weights, one weight per criterion \
                     (proximity=0.3,service_fit=0.2,...)"
                        .to_owned(),
                ));
            }
            (Some(MethodName::RankExponent), None) => {
                let p = self.exponent.unwrap_or(Method::DEFAULT_EXPONENT);
                Some(
                    Method::rank_exponent(p)
                        .map_err(|err| UsageError(format!("invalid --exponent: {err}")))?,
                )
            }
            (Some(name), None) => Some(
                Method::from_name(name).map_err(|err| UsageError(format!("--method: {err}")))?,
            ),
            (None, None) => None,
        };
        if self.exponent.is_some() && !matches!(method, Some(Method::RankExponent { .. })) {
            return Err(UsageError(
                "--exponent applies only to --method rank_exponent: add --method rank_exponent, \
                 or drop --exponent"
                    .to_owned(),
            ));
        }
        WeightSettings::new(self.order.clone(), method)
            .map_err(|err| UsageError(format!("invalid weighting options: {err}")))
    }
}

#[cfg(test)]
mod tests {
    use partnermatch::model::{Criterion, Enumeration};

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
        check(method(MethodName::Explicit), Err("--method explicit needs --weights"));
        let explicit = WeightArgs { weights: Some(weights()), ..WeightArgs::default() };
        check(explicit.clone(), Ok(Some("explicit")));
        check(
            WeightArgs { method: Some(MethodName::RankSum), ..explicit },
            Err("--weights gives explicit weights, but --method is rank_sum"),
        );
        check(
            WeightArgs { exponent: Some(3.0), ..WeightArgs::default() },
            Err("--exponent applies only to --method rank_exponent"),
        );
        check(
            WeightArgs { exponent: Some(-1.0), ..method(MethodName::RankExponent) },
            Err("invalid --exponent: the exponent p = -1"),
        );
    }
}
