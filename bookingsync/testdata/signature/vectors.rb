#!/usr/bin/env ruby
# Writes vectors.json: known-answer vectors for X-Content-Signature,
# computed with Ruby's own Base64 and OpenSSL, independently of the Go code.
#
#   ruby testdata/signature/vectors.rb > testdata/signature/vectors.json
#
# Body rule (the Go test rebuilds each body from it): byte i of a body of
# length n is (31*i + 7) mod 256, for i in 0...n. Every byte value occurs, so
# the vectors also cover bodies that are not UTF-8.
require "base64"
require "json"
require "openssl"

SECRET = "36ed189dd28fd9576d7745c74fac7d4c1bfa03da37d6e5d7a667b67f6e8d16ed"
LENGTHS = [0, 1, 44, 45, 46, 89, 90, 91, 4096, 6000]

def body(n)
  (0...n).map { |i| (31 * i + 7) % 256 }.pack("C*")
end

def sign(message)
  OpenSSL::HMAC.hexdigest(OpenSSL::Digest.new("sha1"), SECRET, message)
end

vectors = LENGTHS.map do |n|
  b = body(n)
  encoded = Base64.encode64(b)
  strict = Base64.strict_encode64(b)
  v = {
    "length" => n,
    "encode64_sha256" => OpenSSL::Digest::SHA256.hexdigest(encoded),
    "encode64_length" => encoded.bytesize,
    "signature" => sign(encoded),
    "strict_signature" => sign(strict),
  }
  v["encode64"] = encoded if n < 100 # short enough to read
  v
end

puts JSON.pretty_generate({
  "generator" => "ruby #{RUBY_VERSION} #{RUBY_PLATFORM}, openssl #{OpenSSL::OPENSSL_LIBRARY_VERSION}",
  "secret" => SECRET,
  "body_rule" => "byte i = (31*i + 7) mod 256",
  "vectors" => vectors,
})
