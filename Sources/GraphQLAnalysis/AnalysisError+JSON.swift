import Kit

extension AnalysisError {
    /// A request's JSON refused by Kit's parser, in the analysis' words: a repeated key
    /// is `.duplicateKey`, anything else `.invalidJSON` with what the grammar expected.
    public init(json error: JSONParseError) {
        switch error.reason {
        case .duplicateMember(let key): self.init(.duplicateKey(key))
        case .empty: self.init(.invalidJSON("the body is empty"))
        default: self.init(.invalidJSON(error.explanation))
        }
    }
}
