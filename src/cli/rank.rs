//! `partnermatch rank BODY`: a body's best partners, explained, as a table, JSON or CSV; and the
//! options it shares with `explain` (filters, service focus, mutual score, weighting).

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context as _;
use partnermatch::engine::Engine;
use partnermatch::export::ranking::{self as rank_export, ExplainedRanking};
use partnermatch::model::Enumeration;
use partnermatch::rank::RankSettings;
use partnermatch::request::Request;
use partnermatch::score::Mutual;

use super::output::{self, SheetFormat};
use super::weight_args::WeightArgs;
use super::{GlobalArgs, UsageError};

/// Options shared by `rank` and every command that ranks: which candidates, which services,
/// how to combine. They fill the library's `Request`; checking is the library's.
#[derive(Debug, Clone, clap::Args)]
pub struct ScoringArgs {
    // Sectors, kinds and services are kept as typed and parsed by `prepare`, so that a
    // misspelt name is reported with every other problem, not alone by clap.
    /// Only candidates of this sector (repeatable).
    #[arg(long = "sector", value_name = "SECTOR")]
    pub sectors: Vec<String>,

    /// Only candidates of this kind (repeatable), for example district.
    #[arg(long = "kind", value_name = "KIND")]
    pub kinds: Vec<String>,

    /// Only candidates in this region (repeatable), for example "South East".
    #[arg(long = "region", value_name = "REGION")]
    pub regions: Vec<String>,

    /// Only candidates in this nation (repeatable).
    #[arg(long = "nation", value_name = "NATION")]
    pub nations: Vec<String>,

    /// Only candidates inside this area (repeatable): a body's id or name whose area holds
    /// others, for example Gloucestershire (its districts) or "West Midlands Combined
    /// Authority" (its councils).
    #[arg(long = "within-area", value_name = "AREA")]
    pub within_areas: Vec<String>,

    /// Only candidates whose centre is within D km.
    #[arg(long = "within-km", value_name = "D", value_parser = parse_km)]
    pub within_km: Option<f64>,

    /// Focus on a service (repeatable): only candidates that seek or offer it (or whose
    /// services are not known), and service fit computed on it, for example legal.
    #[arg(long = "service", value_name = "SERVICE")]
    pub services: Vec<String>,

    /// Leave out bodies the ranked body already partners with.
    #[arg(long)]
    pub exclude_partners: bool,

    /// How the two views of a pair combine into the score: harmonic, arithmetic, minimum or
    /// forward [default: harmonic; for robustness: arithmetic].
    #[arg(long, value_name = "MUTUAL", value_parser = super::parse_enum::<Mutual>)]
    pub mutual: Option<Mutual>,
}

fn parse_km(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(d) if d.is_finite() && d >= 0.0 => Ok(d),
        _ => Err(format!("\"{text}\" is not a distance in km (a number of at least 0)")),
    }
}

impl ScoringArgs {
    /// The library's raw request these options and the weighting options make. Unknown
    /// sector, kind and service names are left out and added to `problems`, one line each.
    pub fn request(
        &self,
        top: usize,
        weighting: &WeightArgs,
        problems: &mut Vec<String>,
    ) -> Request {
        Request {
            top,
            sectors: super::names("--sector", &self.sectors, problems),
            kinds: super::names("--kind", &self.kinds, problems),
            regions: self.regions.clone(),
            nations: self.nations.clone(),
            within_areas: self.within_areas.clone(),
            within_km: self.within_km,
            services: super::names("--service", &self.services, problems),
            exclude_partners: self.exclude_partners,
            mutual: self.mutual,
            weighting: weighting.weighting(),
        }
    }
}

/// How many candidates a command keeps: a number, or every body of the dataset.
#[derive(Debug, Clone, Copy)]
pub enum Top {
    /// At most this many.
    N(usize),
    /// Every body (commands that need every candidate's rank).
    All,
}

/// Loads the data and survey, checks the whole request at once (every problem reported,
/// each named by its flag) and builds the engine: the one path of every ranking command.
pub fn prepare(
    global: &GlobalArgs,
    scoring: &ScoringArgs,
    weighting: &WeightArgs,
    top: Top,
) -> anyhow::Result<(Engine, RankSettings)> {
    let dataset = super::load_dataset(global)?;
    let top = match top {
        Top::N(n) => n,
        Top::All => dataset.len(),
    };
    let mut problems = Vec::new();
    let request = scoring.request(top, weighting, &mut problems);
    let valid = super::checked(problems, request.validate(&dataset))?;
    let survey = super::load_survey(global)?;
    let engine = Engine::new(dataset, survey, valid.weights.unwrap_or_default())
        .map_err(|e| UsageError(e.to_string()))?;
    Ok((engine, valid.rank))
}

/// Arguments of `rank`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  partnermatch rank \"Adur District Council\"
  partnermatch rank adur --service legal --within-km 50 --format json
  partnermatch rank E07000223 --kind district --top 5 --method rank_sum
  partnermatch rank cotswold --format xlsx --out cotswold.xlsx")]
pub struct Args {
    /// The body to find partners for: its id (E07000223), official name or short name.
    #[arg(value_name = "BODY")]
    body: String,

    /// How many candidates to show.
    #[arg(long, default_value_t = 10, value_name = "N", value_parser = super::at_least_one)]
    top: usize,

    /// Output format (xlsx needs --out).
    #[arg(long, value_enum, default_value_t = SheetFormat::Table)]
    format: SheetFormat,

    /// Write to FILE instead of standard output (the file appears whole or not at all).
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,

    /// Replace FILE if it exists.
    #[arg(long)]
    force: bool,

    #[command(flatten)]
    scoring: ScoringArgs,

    // Last: its help heading applies to the options after it.
    #[command(flatten)]
    weighting: WeightArgs,
}

/// Builds the engine from the global options and weighting arguments, for commands that rank
/// nothing themselves (`serve`, `weights --fit`).
pub fn engine(global: &GlobalArgs, weighting: &WeightArgs) -> anyhow::Result<Engine> {
    let dataset = super::load_dataset(global)?;
    let survey = super::load_survey(global)?;
    let settings = weighting.settings()?;
    Engine::new(dataset, survey, settings).map_err(|e| UsageError(e.to_string()).into())
}

/// Runs `rank`.
pub fn run(args: &Args, global: &GlobalArgs) -> anyhow::Result<()> {
    output::check_sheet_out(args.format, args.out.as_deref())?;
    output::check_out(args.out.as_deref(), args.force)?;
    let (engine, settings) = prepare(global, &args.scoring, &args.weighting, Top::N(args.top))?;
    let subject = engine.dataset.find(&args.body)?;
    let explained = ExplainedRanking::new(&engine, subject, settings);
    let records = &explained.records;
    output::emit(args.out.as_deref(), |out| match args.format {
        SheetFormat::Json => {
            rank_export::write_json(out, &explained.document(&engine)).map_err(Into::into)
        }
        SheetFormat::Csv => rank_export::write_csv(out, records).context("cannot write CSV"),
        SheetFormat::Xlsx => rank_export::write_xlsx(out, &engine, &explained).map_err(Into::into),
        SheetFormat::Table => write_table(out, &engine, &explained).map_err(Into::into),
    })
}

/// The table `rank` prints for people.
fn write_table(
    out: &mut dyn Write,
    engine: &Engine,
    explained: &ExplainedRanking,
) -> std::io::Result<()> {
    let (ranking, records, settings) =
        (&explained.ranking, &explained.records, &explained.settings);
    let orgs = engine.dataset.organisations();
    let subject_org = &orgs[explained.subject];
    writeln!(
        out,
        "Partners for {} ({}): top {} of {} candidates",
        subject_org.name,
        subject_org.id,
        records.len(),
        ranking.n_eligible
    )?;
    writeln!(
        out,
        "score: {} of both views; weights: {}",
        settings.mutual.label(),
        weights_description(engine)
    )?;
    if !settings.focus.is_empty() {
        let names: Vec<&str> = settings.focus.iter().map(|s| s.label()).collect();
        writeln!(out, "service focus: {}", names.join(", "))?;
    }
    writeln!(out)?;
    let mut table =
        output::plain_table(&["rank", "name", "kind", "distance", "score", "why"], &[0, 3, 4]);
    for (ranked, r) in ranking.candidates.iter().zip(records) {
        let o = &orgs[ranked.candidate];
        table.add_row([
            r.rank.to_string(),
            o.display_name().to_owned(),
            o.kind.map_or("", |k| k.label()).to_owned(),
            format!("{:.0} km", r.distance_km),
            format!("{:.3}", r.score),
            r.reasons.join("; "),
        ]);
    }
    let mut out = out;
    output::print_table(&mut out, &table)?;
    write_neutral_note(&mut out, explained)?;
    if records.is_empty() {
        writeln!(
            out,
            "no candidate passes the filters; loosen --within-km, --within-area, --region, --kind, \
             --sector or --service"
        )?;
    }
    Ok(())
}

/// Describes the weights in force for headers.
pub fn weights_description(engine: &Engine) -> String {
    let method = engine.settings.method().unwrap_or(engine.survey.method()).describe();
    let order =
        if engine.settings.order().is_some() { "order from --order" } else { "survey order" };
    format!("{method}, {order}")
}

/// Notes the criteria that had no data for any candidate, in either direction.
fn write_neutral_note(out: &mut impl Write, explained: &ExplainedRanking) -> std::io::Result<()> {
    let always: Vec<&str> = explained.neutral_for_all().iter().map(|c| c.label()).collect();
    if !always.is_empty() {
        writeln!(out)?;
        writeln!(
            out,
            "no data for any candidate (counted as {}: missing data never counts in a body's favour): {}",
            partnermatch::score::NEUTRAL,
            always.join(", ")
        )?;
    }
    Ok(())
}
