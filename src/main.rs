fn main() -> std::process::ExitCode {
    wtc::cli::main()
}
