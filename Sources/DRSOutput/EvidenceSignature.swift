import Crypto
import DRSCore
import DRSIngest
import Foundation

/// A private key to sign evidence.json with (`--sign-key`).
public struct EvidenceSigningKey: Sendable {
    /// The raw key (Data is Sendable; the key type is not declared so).
    private let raw: Data

    package var key: Curve25519.Signing.PrivateKey {
        // Checked when the file was read, so this cannot fail.
        (try? Curve25519.Signing.PrivateKey(rawRepresentation: raw)) ?? Curve25519.Signing.PrivateKey()
    }

    /// Reads a key file written by `drs-report keygen`.
    public init(file: String) throws(DRSReportError) {
        raw = try EvidenceSignature.privateKey(file: file).rawRepresentation
    }

    /// The fingerprint of its public key, as evidence.json records it.
    public var fingerprint: String { EvidenceSignature.fingerprint(key.publicKey) }
}

/// evidence.sig: an Ed25519 signature over the exact bytes of evidence.json.
///
/// What it proves: that whoever holds the private key vouched for this evidence.json, so for the
/// digests of every input and output it lists; a changed report fails `verify`, and a changed (or
/// recomputed) evidence.json fails the signature. What it does not prove: that the inputs were what
/// DRS sent (the archive's own digests only show they did not change after fetch), who holds the key,
/// or when it signed (the clock in evidence.json is the signer's word). See docs/evidence.md.
public enum EvidenceSignature {
    /// The signature file, beside evidence.json.
    public static let fileName = "evidence.sig"
    package static let privateLabel = "drs-report ed25519 private key"
    package static let publicLabel = "drs-report ed25519 public key"
    package static let signatureLabel = "drs-report ed25519 signature of evidence.json"

    /// A new key pair as the two key files' text.
    public static func generate() -> (privateKey: String, publicKey: String) {
        let key = Curve25519.Signing.PrivateKey()
        return (keyFile(privateLabel, key.rawRepresentation), keyFile(publicLabel, key.publicKey.rawRepresentation))
    }

    /// The private key in a key file; its text becomes a secret no message may show.
    public static func privateKey(file: String) throws(DRSReportError) -> Curve25519.Signing.PrivateKey {
        // A signing key others can read vouches for nothing.
        if let mode = (try? FileManager.default.attributesOfItem(atPath: file))?[.posixPermissions] as? NSNumber,
            mode.intValue & 0o077 != 0
        {
            throw .invalidOption(
                name: OptionName.signKey.ref, value: file,
                expected: "a private key file only its owner can read (chmod 600)")
        }
        let raw = try read(file: file, label: privateLabel)
        SecretRegistry.shared.register([raw.base64EncodedString()])
        do {
            return try Curve25519.Signing.PrivateKey(rawRepresentation: raw)
        } catch {
            throw .invalidOption(
                name: OptionName.signKey.ref, value: file, expected: "a private key file written by drs-report keygen")
        }
    }

    /// The public key in a key file.
    public static func publicKey(file: String) throws(DRSReportError) -> Curve25519.Signing.PublicKey {
        do {
            return try Curve25519.Signing.PublicKey(rawRepresentation: try read(file: file, label: publicLabel))
        } catch let error as DRSReportError {
            throw error
        } catch {
            throw .invalidOption(
                name: OptionName.publicKey.ref, value: file, expected: "a public key file written by drs-report keygen")
        }
    }

    /// Hex of the first 16 bytes of sha256 over the raw public key: names a key in evidence.json.
    public static func fingerprint(_ key: Curve25519.Signing.PublicKey) -> String {
        String(sha256Hex(key.rawRepresentation).prefix(32))
    }

    /// The signature file's text for the bytes of an evidence.json.
    public static func sign(_ evidence: Data, with key: Curve25519.Signing.PrivateKey) throws -> String {
        let signature = try key.signature(for: evidence)
        return "\(signatureLabel)\nkey \(fingerprint(key.publicKey))\n\(signature.base64EncodedString())\n"
    }

    /// Whether the folder's evidence.sig is a valid signature of its evidence.json by `key`.
    public static func check(_ folder: URL, key: Curve25519.Signing.PublicKey) throws(DRSReportError) -> Bool {
        guard let evidence = FileManager.default.contents(atPath: folder.appendingPathComponent(Evidence.fileName).path)
        else {
            throw .noEvidence(folder: folder.path)
        }
        guard
            let text = FileManager.default.contents(atPath: folder.appendingPathComponent(fileName).path).map({
                String(decoding: $0, as: UTF8.self)
            })
        else {
            return false
        }
        let lines = text.split(separator: "\n").map(String.init)
        guard lines.count == 3, lines[0] == signatureLabel, let signature = Data(base64Encoded: lines[2]) else {
            return false
        }
        return key.isValidSignature(signature, for: evidence)
    }

    package static func keyFile(_ label: String, _ raw: Data) -> String {
        "\(label)\n\(raw.base64EncodedString())\n"
    }

    package static func read(file: String, label: String) throws(DRSReportError) -> Data {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw .unreadableFile(path: file, reason: "no such file, or permission denied")
        }
        let lines = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline).map(String.init)
        guard lines.count == 2, lines[0] == label, let raw = Data(base64Encoded: lines[1]), raw.count == 32 else {
            throw .invalidOption(
                name: label.contains("private") ? OptionName.signKey.ref : OptionName.publicKey.ref, value: file,
                expected: "a \(label) file written by drs-report keygen")
        }
        return raw
    }
}
