//! The command line: clap definitions and dispatch to the library.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::error::Diagnostic;
use crate::pipeline::{self, Options, Report};
use crate::progress::Progress;

#[derive(Debug, Parser)]
#[command(
    name = "walletdesk",
    version,
    about = "Builds bilingual documentation sites with a setup wizard"
)]
pub struct Cli {
    /// The site folder, holding site.yaml
    #[arg(long, global = true, value_name = "DIR", default_value = ".")]
    root: PathBuf,
    /// Print only errors
    #[arg(long, short, global = true)]
    quiet: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Build the site into the output folder
    Build {
        #[command(flatten)]
        site: SiteArgs,
        /// The output folder [default: <root>/public]
        #[arg(long, short, value_name = "DIR")]
        output: Option<PathBuf>,
        /// Replace the contents of a non-empty output folder walletdesk did not create
        #[arg(long)]
        force: bool,
        /// Also print how long each stage took and what each search index came to
        #[arg(long)]
        timings: bool,
    },
    /// Check the site (links, anchors, templates, translations) without writing anything
    Check {
        #[command(flatten)]
        site: SiteArgs,
    },
    /// Preview the site on http://127.0.0.1:1111/, rebuilding and reloading on every change
    Serve {
        /// The port to listen on
        #[arg(long, short, default_value_t = 1111)]
        port: u16,
        /// The address to listen on; 0.0.0.0 exposes the preview to your network
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Open the preview in a browser
        #[arg(long)]
        open: bool,
        /// Include pages marked `draft: true`
        #[arg(long)]
        drafts: bool,
    },
    /// Write a rollout plan for one merchant from their answers to the setup wizard
    Plan {
        /// The merchant's answers, YAML or JSON (`question: answer`); without it (or --batch)
        /// the questions are asked one by one
        #[arg(long, value_name = "FILE", conflicts_with = "batch")]
        answers: Option<PathBuf>,
        /// Many merchants: a CSV file with a header row of question ids, one merchant per row
        #[arg(long, value_name = "CSV", requires = "out_dir")]
        batch: Option<PathBuf>,
        /// With --batch: the folder to write one plan per row into
        #[arg(long, value_name = "DIR", requires = "batch")]
        out_dir: Option<PathBuf>,
        /// What to write
        #[arg(long, value_enum, default_value_t = PlanFormat::Md)]
        format: PlanFormat,
        /// The plan's language [default: the site's first]
        #[arg(long, value_name = "CODE")]
        lang: Option<String>,
        /// Write the plan to FILE instead of standard output
        #[arg(long, short, value_name = "FILE")]
        out: Option<PathBuf>,
        /// The day the work starts [default: today]
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = start_date)]
        start: Option<chrono::NaiveDate>,
    },
    /// Write a small starter site (Chinese and English) into a new folder
    Init {
        /// The folder to create; it must not exist or be empty
        dir: PathBuf,
    },
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum PlanFormat {
    /// Markdown checklist
    Md,
    /// The plan as data
    Json,
    /// The tasks as a spreadsheet
    Csv,
    /// Milestones and tasks for a calendar
    Ics,
    /// One printable page with a timeline
    Html,
}

#[derive(Debug, Args)]
struct SiteArgs {
    /// Override base_url of site.yaml, e.g. https://example.com/docs/
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    /// Include pages marked `draft: true`
    #[arg(long)]
    drafts: bool,
}

/// Runs the command line and returns the process exit code.
pub fn run(cli: Cli) -> ExitCode {
    let options = |site: SiteArgs, output: Option<PathBuf>, force: bool| Options {
        root: cli.root.clone(),
        output,
        base_url: site.base_url,
        drafts: site.drafts,
        force,
        live: false,
        cancel: None,
        progress: Progress::default(),
    };
    // A build or check on a terminal shows its stages; nothing else does.
    let progress = || Progress::for_terminal(cli.quiet);
    match cli.command {
        Command::Build {
            site,
            output,
            force,
            timings,
        } => {
            let options = Options {
                progress: progress(),
                ..options(site, output, force)
            };
            let result = pipeline::build(&options);
            options.progress.finish();
            if let (Ok(report), true) = (&result, timings) {
                for line in report.search_timings() {
                    eprintln!("{line}");
                }
                let stages: Vec<String> = options
                    .progress
                    .stage_times()
                    .iter()
                    .map(|(what, took)| format!("{what} {:.2} s", took.as_secs_f64()))
                    .collect();
                eprintln!("stages: {}", stages.join(", "));
            }
            finish(result, "built", cli.quiet)
        }
        Command::Check { site } => {
            let options = Options {
                progress: progress(),
                ..options(site, None, false)
            };
            let result = pipeline::check(&options);
            options.progress.finish();
            finish(result, "checked", cli.quiet)
        }
        Command::Serve {
            port,
            bind,
            open,
            drafts,
        } => {
            let site = SiteArgs {
                base_url: None,
                drafts,
            };
            let settings = crate::serve::Settings {
                bind,
                port,
                open,
                quiet: cli.quiet,
            };
            match crate::serve::serve(&options(site, None, false), &settings) {
                Ok(()) => ExitCode::SUCCESS,
                Err(problems) => finish(Err(problems), "served", cli.quiet),
            }
        }
        Command::Plan {
            answers,
            batch,
            out_dir,
            format,
            lang,
            out,
            start,
        } => {
            let site = SiteArgs {
                base_url: None,
                drafts: false,
            };
            let input = answers.as_deref().or(batch.as_deref());
            let request = crate::wizard::PlanRequest {
                answers: input,
                batch: batch.is_some(),
                lang: lang.as_deref(),
                start: start.unwrap_or_else(|| chrono::Local::now().date_naive()),
                format: match format {
                    PlanFormat::Md => crate::wizard::Format::Markdown,
                    PlanFormat::Json => crate::wizard::Format::Json,
                    PlanFormat::Csv => crate::wizard::Format::Csv,
                    PlanFormat::Ics => crate::wizard::Format::Ics,
                    PlanFormat::Html => crate::wizard::Format::Html,
                },
            };
            let options = options(site, None, false);
            let text = match crate::wizard::write_plans(&options, &request) {
                Ok(crate::wizard::Written::One(text)) => text,
                Ok(crate::wizard::Written::Batch(plans)) => {
                    let dir = out_dir.expect("clap requires --out-dir with --batch");
                    return write_batch(&options, &dir, plans, cli.quiet);
                }
                Err(problems) => return finish(Err(problems), "planned", cli.quiet),
            };
            match out {
                Some(path) => match pipeline::write_file(&options, &path, text.as_bytes()) {
                    Ok(()) => ExitCode::SUCCESS,
                    Err(problems) => finish(Err(problems), "planned", cli.quiet),
                },
                None => {
                    print!("{text}");
                    ExitCode::SUCCESS
                }
            }
        }
        Command::Init { dir } => {
            let dir = if dir.is_absolute() {
                dir
            } else {
                cli.root.join(dir)
            };
            match crate::init::init(&dir) {
                Ok(files) => {
                    if !cli.quiet {
                        for file in &files {
                            println!("  {}", file.display());
                        }
                        println!("created a starter site in {}", dir.display());
                        println!("next: walletdesk --root {} build", dir.display());
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("{}: {e}", dir.display());
                    ExitCode::FAILURE
                }
            }
        }
    }
}

/// Writes a batch of plans into the folder `dir`, guarded and swapped in like a site: a new
/// or empty folder, or one walletdesk wrote before; never inside the site's sources.
fn write_batch(
    options: &Options,
    dir: &std::path::Path,
    plans: Vec<(String, String)>,
    quiet: bool,
) -> ExitCode {
    let written = pipeline::Destination::check(options, Some(dir), "plans").and_then(|folder| {
        let files: Vec<crate::claims::OutputFile> = plans
            .into_iter()
            .map(|(name, text)| {
                let origin = crate::claims::Origin::Generated(format!("the plan {name}"));
                crate::claims::OutputFile::new(name, text.into_bytes(), origin)
            })
            .collect();
        folder.write(&files, "the plans").map(|()| files.len())
    });
    match written {
        Ok(count) => {
            if !quiet {
                println!("wrote {count} plans → {}", dir.display());
            }
            ExitCode::SUCCESS
        }
        Err(problems) => finish(Err(problems), "planned", quiet),
    }
}

fn finish(result: Result<Report, Vec<Diagnostic>>, verb: &str, quiet: bool) -> ExitCode {
    match result {
        Ok(report) => {
            if !quiet {
                for warning in &report.warnings {
                    eprintln!("{warning}");
                }
                println!("{verb} {}", report.summary());
            }
            ExitCode::SUCCESS
        }
        Err(problems) => {
            let errors = problems.iter().filter(|p| p.is_error()).count();
            let shown: Vec<&Diagnostic> =
                problems.iter().filter(|p| p.is_error() || !quiet).collect();
            for problem in shown.iter().take(MAX_PRINTED) {
                eprintln!("{problem}");
            }
            if shown.len() > MAX_PRINTED {
                eprintln!(
                    "… and {} more not shown (the first {MAX_PRINTED} are above)",
                    shown.len() - MAX_PRINTED
                );
            }
            eprintln!(
                "error: {errors} problem{} found; nothing was written",
                if errors == 1 { "" } else { "s" }
            );
            ExitCode::FAILURE
        }
    }
}

/// The most problems printed in one run: the rest are counted, so a file with thousands of
/// mistakes does not flood the terminal.
const MAX_PRINTED: usize = 100;

/// A plan's start date: a calendar date from 1900 to 9999 (schedules count days on from it).
fn start_date(text: &str) -> Result<chrono::NaiveDate, String> {
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .filter(|d| (1900..=9999).contains(&chrono::Datelike::year(d)))
        .ok_or_else(|| format!("`{text}` is not a date from 1900 to 9999 written YYYY-MM-DD"))
}
