# Store paths for the upload benchmark: COUNT paths of SIZE bytes each, half text and half random data.
{ salt, count, size }:
let
  mk = i: builtins.derivation {
    name = "bench-upload-${toString i}";
    system = builtins.currentSystem;
    builder = "/bin/sh";
    PATH = "/usr/bin:/bin";
    SALT = salt;
    args = [ "-c" ''mkdir -p $out && (yes "$SALT lib/share/doc text that compresses" | head -c ${toString (size / 2)}; head -c ${toString (size / 2)} /dev/urandom) > $out/data'' ];
  };
in builtins.genList mk count
