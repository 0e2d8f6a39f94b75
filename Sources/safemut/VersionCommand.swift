import ArgumentParser
import Gateway

/// `safemut version`: prints the version.
struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "Print the version.")

    func run() {
        print("safemut \(SafemutVersion.current)")
    }
}
