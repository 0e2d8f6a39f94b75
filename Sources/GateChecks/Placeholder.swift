import Gates
import Kit
import Crypto
import Contract
import Audit
import Postgres
import HTTPClient
import Config
import Logging

// Placeholder while issue 16 lands the module.
