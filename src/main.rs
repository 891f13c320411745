use std::process::ExitCode;

// The evaluator builds many small strings and vectors per result, across threads; glibc's malloc
// spent about a third of `eval`'s time growing and locking per-thread arenas. mimalloc's
// thread-local free lists remove most of that.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // A panic is a bug, never an answer about the data: report it as an internal error (exit 2).
    std::panic::set_hook(Box::new(|info| {
        eprintln!("error: internal error (please report this bug): {info}");
    }));
    std::panic::catch_unwind(partnerctl::cli::main)
        .unwrap_or(ExitCode::from(partnerctl::cli::EXIT_ERROR))
}
