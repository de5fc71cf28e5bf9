use clap::Parser;
use critboard_server::cli::{self, Cli};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    return_large_allocations_to_the_os();
    match cli::run(Cli::parse()).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("critboard: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// glibc raises its mmap threshold after a large block is freed, so the
/// 19 MiB argon2 work areas would stay resident in every thread's arena
/// (230 MB after 30 sign-ins). A fixed threshold keeps blocks of 4 MiB and
/// up on mmap, returned to the OS when freed.
fn return_large_allocations_to_the_os() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only tunes the allocator; called before any thread starts.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 4 << 20);
    }
}
