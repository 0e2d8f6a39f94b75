import Foundation

/// One mail: a plain-text and an HTML alternative (RFC 2046 multipart/alternative), each
/// base64-encoded in 76-character lines so no line of the report can break SMTP's limits.
public struct MailMessage: Sendable, Equatable {
    public var from: String
    public var to: [String]
    public var subject: String
    public var text: String
    public var html: String
    /// RFC 5322 date (`Tue, 08 Dec 2026 06:00:00 +0000`).
    public var date: String
    public var messageID: String

    public init(from: String, to: [String], subject: String, text: String, html: String, date: String, messageID: String) {
        self.from = from
        self.to = to
        self.subject = subject
        self.text = text
        self.html = html
        self.date = date
        self.messageID = messageID
    }

    /// The message as sent after DATA: CRLF lines, headers, the two parts.
    public func rendered(boundary: String) -> String {
        func part(_ type: String, _ body: String) -> String {
            "--\(boundary)\r\nContent-Type: \(type); charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                + Self.base64Lines(body) + "\r\n"
        }
        let headers = [
            "From: \(from)", "To: \(to.joined(separator: ", "))", "Subject: \(Self.encodedWord(subject))", "Date: \(date)",
            "Message-ID: <\(messageID)>", "MIME-Version: 1.0", "Content-Type: multipart/alternative; boundary=\"\(boundary)\"",
        ]
        return headers.joined(separator: "\r\n") + "\r\n\r\n" + part("text/plain", text) + part("text/html", html) + "--\(boundary)--\r\n"
    }

    /// An address is plain `local@domain`: nothing that could add a header or a command.
    public static func isAddress(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty, text.utf8.count <= 254 else { return false }
        return text.utf8.allSatisfy { byte in byte > 32 && byte < 127 && !"<>()[],;:\\\"".utf8.contains(byte) }
    }

    static func base64Lines(_ text: String) -> String {
        let encoded = Data(text.utf8).base64EncodedString()
        var lines: [Substring] = []
        var index = encoded.startIndex
        while index < encoded.endIndex {
            let end = encoded.index(index, offsetBy: 76, limitedBy: encoded.endIndex) ?? encoded.endIndex
            lines.append(encoded[index..<end])
            index = end
        }
        return lines.joined(separator: "\r\n")
    }

    /// RFC 2047 for a subject that is not plain ASCII.
    static func encodedWord(_ text: String) -> String {
        text.utf8.allSatisfy({ $0 >= 32 && $0 < 127 }) ? text : "=?utf-8?B?\(Data(text.utf8).base64EncodedString())?="
    }
}
