fn main() -> std::process::ExitCode {
    partnerctl::cli::main()
}
