import Config
import Gates
import HTTPClient
import Kit

/// Range and instant queries against Prometheus's HTTP API (`/api/v1/query_range`,
/// `/api/v1/query`) through the package's one HTTP client.
public final class PrometheusRange: Sendable {
    private let caller: HTTPCaller
    public let endpoint: HTTPEndpoint

    /// `url` is `promql.url` / `PROMQL_URL` (`http://host:port[/prefix]`).
    public init(url: String) throws(GateSourceError) {
        guard let endpoint = HTTPEndpoint(parsing: url) else {
            throw .prometheusNotConfigured("'\(url)' is not an http://host:port URL")
        }
        self.endpoint = endpoint
        do {
            caller = try HTTPCaller(
                configuration: UpstreamConfiguration(
                    host: endpoint.host, port: endpoint.port, basePath: endpoint.basePath, maxIdlePerLoop: 2, maxConnectionsPerLoop: 4,
                    connectTimeoutMs: 2_000, readTimeoutMs: 30_000),
                name: "safemut-gates-prom")
        } catch {
            throw .prometheusUnreachable("\(error)")
        }
    }

    public func shutdown() { caller.shutdown() }

    /// One answer: the series' samples and the body as received (kept as evidence).
    public struct Answer: Sendable {
        public var series: [[GateSample]]
        public var body: [UInt8]
    }

    /// `query` over [start, end] at `stepSeconds`; each series' points in time order,
    /// `NaN` points without a value.
    public func range(_ query: String, startMillis: Int64, endMillis: Int64, stepSeconds: Int64) async -> Result<Answer, GateSourceError> {
        let path = "/api/v1/query_range?query=\(Self.percentEncode(query))&start=\(Self.seconds(startMillis))&end=\(Self.seconds(endMillis))&step=\(stepSeconds)s"
        return await get(path)
    }

    /// `query` at `atMillis` (a vector: one point per series).
    public func instant(_ query: String, atMillis: Int64) async -> Result<Answer, GateSourceError> {
        await get("/api/v1/query?query=\(Self.percentEncode(query))&time=\(Self.seconds(atMillis))")
    }

    private func get(_ path: String) async -> Result<Answer, GateSourceError> {
        let answer: HTTPCaller.Answer
        switch await caller.call(method: "GET", path: path, idempotent: true, timeoutMilliseconds: 30_000) {
        case .failure(let error): return .failure(.prometheusUnreachable("\(endpoint): \(error)"))
        case .success(let value): answer = value
        }
        let json: JSONValue
        do {
            json = try JSONValue.parse(answer.body)
        } catch {
            return .failure(answer.status / 100 == 2
                ? .prometheusMalformed("not JSON: \(error)")
                : .prometheusRefused(status: answer.status, message: String(decoding: answer.body.prefix(200), as: UTF8.self)))
        }
        guard answer.status / 100 == 2, json["status"]?.stringValue == "success" else {
            let kind = json["errorType"]?.stringValue ?? "error"
            return .failure(.prometheusRefused(status: answer.status, message: "\(kind): \(json["error"]?.stringValue ?? "no message")"))
        }
        guard let data = json["data"], let results = data["result"]?.arrayValue else {
            return .failure(.prometheusMalformed("no data.result"))
        }
        var series: [[GateSample]] = []
        for result in results {
            // A matrix has `values`, a vector one `value`.
            let points = result["values"]?.arrayValue ?? result["value"].map { [$0] } ?? []
            var samples: [GateSample] = []
            for point in points {
                guard let pair = point.arrayValue, pair.count == 2,
                      let time = pair[0].numberText.flatMap(GateNumber.init(text:)),
                      let text = pair[1].stringValue
                else { return .failure(.prometheusMalformed("a point is not [time, \"value\"]")) }
                let millis = Int64(time.scaled / (GateNumber(1).scaled / 1_000))
                samples.append(GateSample(atMillis: millis, value: GateNumber(text: text)))
            }
            series.append(samples)
        }
        return .success(Answer(series: series, body: answer.body))
    }

    /// Unix seconds with milliseconds, as the API takes them (`1767225600.5`).
    static func seconds(_ millis: Int64) -> String {
        let whole = millis / 1_000
        let rest = millis % 1_000
        return rest == 0 ? String(whole) : "\(whole).\(String(1_000 + rest).dropFirst())"
    }

    /// RFC 3986 query-component encoding: everything but unreserved characters.
    static func percentEncode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".utf8)
                out += "%" + String(decoding: [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]], as: UTF8.self)
            }
        }
        return out
    }
}
