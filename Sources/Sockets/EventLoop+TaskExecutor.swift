/// An event loop runs Swift tasks too: `Task(executorPreference: loop)` keeps
/// a request's async work (admission steps awaiting Postgres or Redis) on the
/// thread that owns its connection. No hop back is needed afterwards, and
/// requests never wait for the cooperative pool, however busy it is.
extension EventLoop: TaskExecutor {
    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        execute {
            job.runSynchronously(on: executor)
        }
    }

    public func asUnownedTaskExecutor() -> UnownedTaskExecutor {
        UnownedTaskExecutor(ordinary: self)
    }
}
