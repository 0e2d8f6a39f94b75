/// The rate limit step (issue 7): token buckets in Redis. Placeholder until the module lands.
enum RateLimitModule {}
