import Foundation
import Testing
@testable import SMTP

@Suite("the report's mail")
struct MailMessageTests {
    @Test("multipart/alternative, text then HTML, base64 in lines of at most 76, CRLF; a non-ASCII subject encoded")
    func rendered() {
        let html = String(repeating: "<p>ligne été</p>", count: 40)
        let message = MailMessage(from: "bot@example.com", to: ["a@example.com", "b@example.com"], subject: "Rapport été",
                                  text: "day,tenant\r\n", html: html, date: "Tue, 08 Dec 2026 06:00:00 +0000", messageID: "m1@safemut")
        let text = message.rendered(boundary: "B")
        let lines = text.components(separatedBy: "\r\n")
        #expect(lines.contains("To: a@example.com, b@example.com") && lines.contains("Subject: =?utf-8?B?\(Data("Rapport été".utf8).base64EncodedString())?="))
        #expect(lines.contains(#"Content-Type: multipart/alternative; boundary="B""#))
        #expect(lines.allSatisfy { $0.utf8.count <= 998 } && lines.filter { !$0.contains(":") && !$0.hasPrefix("--") }.allSatisfy { $0.utf8.count <= 76 })
        let htmlPart = text.components(separatedBy: "Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n")[1]
            .components(separatedBy: "\r\n--B--")[0].replacingOccurrences(of: "\r\n", with: "")
        #expect(String(decoding: Data(base64Encoded: htmlPart) ?? Data(), as: UTF8.self) == html)
        #expect(text.hasSuffix("--B--\r\n"))
    }

    @Test("an address is local@domain and nothing that could add a command or a header", arguments: [
        ("finops@example.com", true), ("a.b+c@sub.example.org", true), ("no-at.example.com", false), ("a@localhost", true), ("a@", false),
        ("x@y.z>\r\nRCPT TO:<evil@x.y", false), ("a b@example.com", false), ("<a@example.com>", false),
    ])
    func addresses(address: String, valid: Bool) {
        #expect(MailMessage.isAddress(address) == valid)
    }
}
