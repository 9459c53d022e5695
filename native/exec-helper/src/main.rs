//! nogil's exec helper: `nogil-exec-helper <parent pid> <program> [args...]`.
//!
//! Started by nogil/subprocess for `dieWithParent: true`. It asks the kernel to SIGKILL it when
//! its parent dies (`prctl(PR_SET_PDEATHSIG, SIGKILL)`, Linux), checks that the parent is still
//! the Node process that started it (if Node died before the prctl, the signal would never
//! come), then replaces itself with `program` (`execvp`), so the child keeps this pid and gets
//! exactly `program [args...]` as its argv. The death signal survives the exec.
//!
//! On failure it exits like a shell that could not run a command: 127 (not found) or 126 (not
//! executable), with the reason on stderr. nogil checks the program before starting the helper,
//! so this only happens if the program vanished in between.

use std::ffi::OsString;
use std::os::unix::process::CommandExt;
use std::process::{Command, ExitCode};

mod death_signal;

/// The parsed command line: who the parent must be, and what to run.
#[derive(Debug, PartialEq)]
struct Invocation {
    /// The pid of the Node process that started the helper.
    parent: u32,
    /// The program (searched on PATH as execvp does), then its arguments.
    argv: Vec<OsString>,
}

/// Parses `<parent pid> <program> [args...]` (everything after the program is passed through).
fn parse(mut args: impl Iterator<Item = OsString>) -> Result<Invocation, String> {
    let parent = args.next().ok_or("missing <parent pid>")?;
    let parent = parent
        .to_str()
        .and_then(|s| s.parse::<u32>().ok())
        .filter(|&pid| pid > 1)
        .ok_or_else(|| format!("bad <parent pid>: {parent:?}"))?;
    let argv: Vec<OsString> = args.collect();
    if argv.is_empty() {
        return Err("missing <program>".into());
    }
    Ok(Invocation { parent, argv })
}

fn main() -> ExitCode {
    let invocation = match parse(std::env::args_os().skip(1)) {
        Ok(invocation) => invocation,
        Err(message) => {
            eprintln!(
                "nogil-exec-helper: {message}\nusage: nogil-exec-helper <parent pid> <program> [args...]"
            );
            return ExitCode::from(2);
        }
    };
    if let Err(error) = death_signal::kill_me_when_parent_dies() {
        eprintln!("nogil-exec-helper: prctl(PR_SET_PDEATHSIG): {error}");
        return ExitCode::from(126);
    }
    // The parent may have died between fork() and the prctl(): then we were re-parented and no
    // signal will ever come, so do now what it would have done.
    if std::os::unix::process::parent_id() != invocation.parent {
        return ExitCode::from(137);
    }
    let (program, args) = invocation
        .argv
        .split_first()
        .expect("parse() keeps a program");
    // exec() only returns on failure; stdio, environment and cwd are inherited as they are.
    let error = Command::new(program).arg0(program).args(args).exec();
    eprintln!("nogil-exec-helper: {}: {error}", program.to_string_lossy());
    ExitCode::from(if error.kind() == std::io::ErrorKind::NotFound {
        127
    } else {
        126
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn os(args: &[&str]) -> impl Iterator<Item = OsString> {
        args.iter()
            .map(OsString::from)
            .collect::<Vec<_>>()
            .into_iter()
    }

    #[test]
    fn parses_parent_program_and_arguments_verbatim() {
        let parsed = parse(os(&["1234", "echo", "-n", "--", "a b"])).unwrap();
        assert_eq!(parsed.parent, 1234);
        assert_eq!(parsed.argv, ["echo", "-n", "--", "a b"].map(OsString::from));
    }

    #[test]
    fn refuses_a_missing_or_bad_parent_and_a_missing_program() {
        assert!(parse(os(&[])).is_err());
        assert!(parse(os(&["x", "echo"])).is_err());
        assert!(parse(os(&["1", "echo"])).is_err()); // init is never the parent that asked
        assert!(parse(os(&["1234"])).is_err());
    }

    #[test]
    fn sets_the_death_signal_of_the_calling_process() {
        // PR_SET_PDEATHSIG applies to this test thread only and does nothing while its parent lives.
        death_signal::kill_me_when_parent_dies().unwrap();
    }
}
