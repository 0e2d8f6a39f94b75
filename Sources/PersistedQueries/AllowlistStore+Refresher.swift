extension AllowlistStore {
    /// Starts the background refresher: one version check (`GET`) per `interval`, a reload
    /// when the version moved, and every `reconcileInterval` a comparison of Redis with
    /// Postgres (`reconcile()`). Idempotent while running. Call `reload()` first at start-up
    /// so the first requests already see the set.
    public func startRefresher(interval: Duration = .seconds(1), reconcileInterval: Duration = .seconds(30)) {
        refresher.withLock { task in
            guard task == nil else { return }
            task = Task { [weak self] in
                let clock = ContinuousClock()
                var nextReconcile = clock.now.advanced(by: reconcileInterval)
                while !Task.isCancelled {
                    // The loop holds the store only during a tick, so a dropped store ends it.
                    guard await self?.refreshIfChanged() != nil else { return }
                    if clock.now >= nextReconcile {
                        nextReconcile = clock.now.advanced(by: reconcileInterval)
                        await self?.reconcileAndReload()
                    }
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

    private func reconcileAndReload() async {
        do {
            if try await reconcile() { await reload() }
        } catch {
            // Either store down: the version poll already reports Redis; nothing else to do now.
            logger.debug("persisted query allowlist reconcile skipped", metadata: ["error": "\(error)"])
        }
    }
}
