import Kit
import Contract
import Identity

/// The frame every page shares (header, navigation, the person, the notice box) and the
/// security headers every answer of the UI carries.
enum UIPage {
    /// Strict: our own script and stylesheet only, no inline code, no framing (SPEC §14).
    static let contentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        + "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

    static let securityHeaders: [(String, String)] = [
        ("Content-Security-Policy", contentSecurityPolicy),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "no-referrer"),
        ("X-Frame-Options", "DENY"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
        ("Cross-Origin-Resource-Policy", "same-origin"),
    ]

    static let sections: [(path: String, title: String)] = [
        ("/admin/ui/", "Overview"),
        ("/admin/ui/overrides", "Overrides"),
        ("/admin/ui/approvals", "Four-eyes queue"),
        ("/admin/ui/canary", "Canary health"),
        ("/admin/ui/release", "Release"),
        ("/admin/ui/chaos", "Chaos faults"),
        ("/admin/ui/audit", "Audit log"),
        ("/admin/ui/help", "Help"),
    ]

    static func render(
        _ title: String, path: String, identity: Identity, csrf: String, refreshSeconds: Int = 0, status: Int = 200, _ content: HTML
    ) -> AdminReply {
        let nav = HTML.join(sections.map { section in
            section.path == path
                ? "<a href=\"\(section.path)\" aria-current=\"page\">\(section.title)</a>"
                : "<a href=\"\(section.path)\">\(section.title)</a>"
        })
        let page: HTML = """
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="csrf-token" content="\(csrf)">
            <title>\(title) · safemut</title>
            <link rel="icon" href="data:,">
            <link rel="stylesheet" href="\(UIAssets.url("safemut.css"))">
            <script src="\(UIAssets.url("safemut.js"))" defer></script>
            </head>
            <body data-refresh-seconds="\(refreshSeconds)">
            <header><strong>safemut</strong><nav>\(nav)</nav>
            <span class="who">\(identity.subject) · \(identity.roles.sorted().joined(separator: ", "))</span></header>
            <main>
            <h1>\(title)</h1>
            <div id="notice" class="notice" role="status" hidden></div>
            \(content)
            </main>
            </body>
            </html>

            """
        return AdminReply(status: status, contentType: "text/html; charset=utf-8", body: Array(page.rendered.utf8), headers: securityHeaders)
    }

    /// A page that could not be drawn (an inner call refused or failed), with why.
    static func problem(_ title: String, path: String, identity: Identity, csrf: String, _ reply: AdminReply) -> AdminReply {
        let message = reply.json?["errors"]?.arrayValue?.first?["message"]?.stringValue ?? "HTTP \(reply.status)"
        return render(
            title, path: path, identity: identity, csrf: csrf, status: reply.status, "<section><p class=\"notice bad\">\(message)</p></section>")
    }
}
