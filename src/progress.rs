//! The progress bar of a long build: drawn on standard error after a second, only when
//! standard output and standard error are terminals and `--quiet` is not given. Stages say
//! what the build is doing; a stage with a known number of steps (pages) shows a bar.

use std::io::IsTerminal;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A build shorter than this shows no bar at all.
const DELAY: Duration = Duration::from_secs(1);

/// A handle on the build's progress display. Clones share one bar and one record of when
/// each stage started (for `--timings`); the default draws nothing.
#[derive(Clone, Debug)]
pub struct Progress {
    bar: ProgressBar,
    started: Arc<Mutex<Vec<(String, Instant)>>>,
}

impl Default for Progress {
    fn default() -> Self {
        Progress::new(ProgressBar::hidden())
    }
}

impl Progress {
    /// A bar for an interactive build: drawn after `DELAY` when both standard output and
    /// standard error are terminals and not `quiet`; otherwise hidden.
    pub fn for_terminal(quiet: bool) -> Progress {
        if quiet || !std::io::stdout().is_terminal() || !std::io::stderr().is_terminal() {
            return Progress::default();
        }
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
        let later = bar.clone();
        std::thread::spawn(move || {
            std::thread::sleep(DELAY);
            if !later.is_finished() {
                later.set_draw_target(ProgressDrawTarget::stderr());
                later.enable_steady_tick(Duration::from_millis(120));
            }
        });
        Progress::new(bar)
    }

    fn new(bar: ProgressBar) -> Progress {
        Progress {
            bar,
            started: Arc::default(),
        }
    }

    /// Starts a stage: `what` the build does now, in `steps` steps (0 when not counted).
    pub fn stage(&self, what: &str, steps: u64) {
        let template = if steps > 0 {
            "{spinner} {msg:<14} [{bar:30}] {pos}/{len}"
        } else {
            "{spinner} {msg}"
        };
        if let Ok(mut started) = self.started.lock() {
            started.push((what.to_string(), Instant::now()));
        }
        self.bar.set_length(steps);
        self.bar.set_position(0);
        self.bar.set_message(what.to_string());
        if let Ok(style) = ProgressStyle::with_template(template) {
            self.bar.set_style(style.progress_chars("=> "));
        }
    }

    /// How long each stage took so far, in the order they ran (the last one until now).
    pub fn stage_times(&self) -> Vec<(String, Duration)> {
        let Ok(started) = self.started.lock() else {
            return Vec::new();
        };
        let now = Instant::now();
        started
            .iter()
            .enumerate()
            .map(|(i, (what, at))| {
                let end = started.get(i + 1).map_or(now, |(_, next)| *next);
                (what.clone(), end.duration_since(*at))
            })
            .collect()
    }

    /// One step of the current stage done (from any thread).
    pub fn step(&self) {
        self.bar.inc(1);
    }

    /// Clears the bar, before the summary line is printed.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }

    /// Whether nothing is ever drawn.
    pub fn is_hidden(&self) -> bool {
        self.bar.is_hidden()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quiet_or_not_a_terminal_draws_nothing() {
        assert!(Progress::for_terminal(true).is_hidden());
        // Under `cargo test` standard output is captured, not a terminal.
        if !std::io::stdout().is_terminal() {
            assert!(Progress::for_terminal(false).is_hidden());
        }
        let hidden = Progress::default();
        hidden.stage("pages", 3);
        hidden.step();
        hidden.stage("writing", 0);
        hidden.finish();
        assert!(hidden.is_hidden());
        let stages: Vec<String> = hidden.stage_times().into_iter().map(|(s, _)| s).collect();
        assert_eq!(stages, ["pages", "writing"]);
    }
}
