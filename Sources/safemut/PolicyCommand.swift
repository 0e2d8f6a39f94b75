import ArgumentParser
import Foundation
import GateChecks

/// `safemut policy sign|verify`: the signed policy bundle gate G4 and the gateway's start
/// check verify (a manifest of every policy file's sha256 and a detached ECDSA P-256
/// signature, `BUNDLE.sig`, that `openssl dgst -sha256 -verify` also checks).
/// Exit 0 signed/valid, 1 invalid, 2 bad arguments or unreadable files.
struct PolicyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy", abstract: "Sign and verify the policy bundle.", subcommands: [PolicySignCommand.self, PolicyVerifyCommand.self])
}

struct PolicySignCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "sign", abstract: "Sign every file under --dir into --out and --out.sig.")
    @Option(name: .long, help: "The policy directory.") var dir = "policies"
    @Option(name: .long, help: "The P-256 private key (PEM).") var key: String
    @Option(name: .long, help: "The bundle to write (its signature goes to OUT.sig).") var out = "policies/bundle.json"

    func run() async throws {
        do {
            let manifest = try PolicyBundle.sign(
                directory: dir, keyPath: key, bundle: out, nowMicros: Int64(Date().timeIntervalSince1970 * 1_000_000))
            print("signed \(manifest.files.count) policy file(s) into \(out) (signature \(out).sig)")
        } catch {
            FileHandle.standardError.write(Data("safemut policy sign: \(error)\n".utf8))
            throw ExitCode(2)
        }
    }
}

struct PolicyVerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "verify", abstract: "Verify the bundle's signature and every file's digest.")
    @Option(name: .long, help: "The bundle.") var bundle = "policies/bundle.json"
    @Option(name: .long, help: "The P-256 public key (PEM).") var key: String
    @Option(name: .long, help: "The policy directory (default: the bundle's).") var dir: String?

    func run() async throws {
        do {
            let manifest = try PolicyBundle.verify(
                bundle: bundle, publicKeyPath: key, directory: dir ?? (bundle as NSString).deletingLastPathComponent)
            print("policy bundle valid: \(manifest.files.count) file(s) match \(bundle)")
        } catch {
            FileHandle.standardError.write(Data("safemut policy verify: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}
