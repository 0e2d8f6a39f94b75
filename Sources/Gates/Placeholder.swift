import Kit
import Crypto
import Yams

// Placeholder while issue 16 lands the module.
