use std::process::ExitCode;

fn main() -> ExitCode {
    // A panic is a bug, never an answer about the data: report it as an internal error (exit 2).
    std::panic::set_hook(Box::new(|info| {
        eprintln!("error: internal error (please report this bug): {info}");
    }));
    std::panic::catch_unwind(partnerctl::cli::main)
        .unwrap_or(ExitCode::from(partnerctl::commands::EXIT_ERROR))
}
