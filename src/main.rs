/// mimalloc instead of the system allocator: a large spec's compile makes millions of small
/// allocations, and glibc's malloc/free took about a third of `check`'s CPU time
/// (BENCHMARKS.md, "Scale").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    wtc::cli::main()
}
