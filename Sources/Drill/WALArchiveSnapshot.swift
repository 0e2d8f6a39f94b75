import Foundation

/// The WAL archive as it was at the simulated loss: the files listed at that instant, copied
/// into the scratch directory. WAL archived after the listing counts as lost, as it would be
/// if the primary had died then (its unarchived WAL dies with it).
struct WALArchiveSnapshot: Sendable {
    /// Where the copies are (the restore's `restore_command` reads from here).
    let directory: String
    /// Names and sizes as listed at the loss.
    let files: [(name: String, bytes: UInt64)]

    /// Lists `archive` now (the loss instant): names and sizes. Blocking.
    static func list(archive: String) throws(DrillError) -> [(name: String, bytes: UInt64)] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: archive)
        } catch {
            throw DrillError(step: "wal", code: .walMissing, message: "cannot list the WAL archive \(archive): \(error.localizedDescription)")
        }
        return names.sorted().compactMap { name in
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: archive + "/" + name),
                  attributes[.type] as? FileAttributeType == .typeRegular,
                  let size = attributes[.size] as? NSNumber
            else { return nil }
            return (name, size.uint64Value)
        }
    }

    /// Copies the listed files recovery may ask for into `directory` (blocking): whole segments
    /// of the backup's timeline from its start segment on, and timeline `.history` files. Older
    /// segments (a long-lived archive holds many) and partial copies are left behind.
    static func copy(
        listed: [(name: String, bytes: UInt64)], from archive: String, into directory: String, start: WALSegment
    ) throws(DrillError) -> WALArchiveSnapshot {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw DrillError(step: "wal", code: .walMissing, message: "cannot create \(directory): \(error.localizedDescription)")
        }
        var kept: [(name: String, bytes: UInt64)] = []
        for file in listed {
            let wanted: Bool
            if let segment = WALSegment(fileName: file.name, segmentBytes: start.segmentBytes) {
                wanted = segment.timeline == start.timeline && segment >= start && file.bytes == start.segmentBytes
            } else {
                wanted = file.name.hasSuffix(".history")
            }
            guard wanted else { continue }
            do {
                try FileManager.default.copyItem(atPath: archive + "/" + file.name, toPath: directory + "/" + file.name)
            } catch {
                throw DrillError(step: "wal", code: .restoreFailed, message: "cannot copy \(file.name) from the archive: \(error.localizedDescription)")
            }
            kept.append(file)
        }
        return WALArchiveSnapshot(directory: directory, files: kept)
    }
}
