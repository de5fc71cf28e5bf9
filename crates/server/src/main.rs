use clap::Parser;
use critboard_server::cli::{self, Cli};

fn main() -> std::process::ExitCode {
    // The PDF worker runs before anything else starts: no runtime, no
    // threads, so its address-space limit is spent on the document.
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("pdf-worker") {
        return critboard_deck::worker::main(&args[1..]);
    }
    return_large_allocations_to_the_os();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("critboard: cannot start: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    runtime.block_on(serve())
}

async fn serve() -> std::process::ExitCode {
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
