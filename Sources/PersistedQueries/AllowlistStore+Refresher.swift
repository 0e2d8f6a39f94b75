extension AllowlistStore {
    /// Starts the background refresher: one version check (`GET`) per `interval`, a reload
    /// when the version moved. Idempotent while running. Call `reload()` first at start-up
    /// so the first requests already see the set.
    public func startRefresher(interval: Duration = .seconds(1)) {
        refresher.withLock { task in
            guard task == nil else { return }
            task = Task { [weak self] in
                while !Task.isCancelled {
                    // The loop holds the store only while it works, so a dropped store ends it.
                    guard let store = self else { return }
                    await store.refreshIfChanged()
                    do {
                        try await Task.sleep(for: interval)
                    } catch {
                        return
                    }
                }
            }
        }
    }

    /// Stops the refresher and waits for its current tick to finish.
    public func stopRefresher() async {
        let task = refresher.withLock { task -> Task<Void, Never>? in
            defer { task = nil }
            return task
        }
        task?.cancel()
        await task?.value
    }
}
