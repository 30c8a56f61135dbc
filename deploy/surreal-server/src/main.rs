// The real `surreal` server: the same init() the official binary calls.
// rustc 1.95 needs a deeper limit to lay out init()'s async body.
#![recursion_limit = "256"]

fn main() -> std::process::ExitCode {
    surrealdb_server::init(surrealdb_server::core::CommunityComposer())
}
