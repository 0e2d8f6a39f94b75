#if canImport(Glibc)
import Glibc
#endif

/// Runs one closure on two pthreads at once and sums their results; no Dispatch or
/// Foundation, so the benchmark links only the two modules under test.
final class DispatchlessPair: Sendable {
    let work: @Sendable (Int) -> Int

    init(_ work: @escaping @Sendable (Int) -> Int) {
        self.work = work
    }

    func run() -> Int {
        final class Job: @unchecked Sendable {  // written by its thread before join, read after: join orders them
            let work: @Sendable (Int) -> Int
            let offset: Int
            var result = 0
            init(_ work: @escaping @Sendable (Int) -> Int, _ offset: Int) { self.work = work; self.offset = offset }
        }
        let jobs = [Job(work, 0), Job(work, 5_000)]
        var threads: [pthread_t] = []
        for job in jobs {
            var thread = pthread_t()
            let box = Unmanaged.passRetained(job).toOpaque()
            pthread_create(&thread, nil, { raw in
                let job = Unmanaged<Job>.fromOpaque(raw!).takeRetainedValue()
                job.result = job.work(job.offset)
                return nil
            }, box)
            threads.append(thread)
        }
        for thread in threads { pthread_join(thread, nil) }
        return jobs.reduce(0) { $0 + $1.result }
    }
}
