// gzip for trace files (ALB access logs arrive as .log.gz), with zlib's inflate (Debian zlib1g-dev,
// linked as ZLIB::ZLIB).
#include <cstring>
#include <string>

#include "tools/load_trace_internal.hpp"

#include <zlib.h>

namespace spotsim::load_trace_detail {

bool is_gzip(std::string_view bytes) {
  return bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1f &&
         static_cast<unsigned char>(bytes[1]) == 0x8b;
}

namespace {

// The four zlib entry points used here.
struct Zlib {
  decltype(&::inflateInit2_) init = nullptr;
  decltype(&::inflate) inflate = nullptr;
  decltype(&::inflateReset) reset = nullptr;
  decltype(&::inflateEnd) end = nullptr;
  bool ok() const { return init && inflate && reset && end; }
};

const Zlib& zlib() {
  static const Zlib z = [] {
    Zlib r;
    r.init = &::inflateInit2_;
    r.inflate = &::inflate;
    r.reset = &::inflateReset;
    r.end = &::inflateEnd;
    return r;
  }();
  return z;
}

}  // namespace

bool gzip_supported() { return zlib().ok(); }

std::string gunzip(std::string_view compressed, const std::string& display_name, std::size_t max_output) {
  const Zlib& z = zlib();
  if (!z.ok())
    throw InputError(display_name, "", "cannot read gzip file: zlib (libz.so.1) is not available");
  const auto fail = [&](const std::string& what) {
    return InputError(display_name, "", "cannot read gzip file: " + what);
  };
  z_stream s;
  std::memset(&s, 0, sizeof s);
  // 16 + MAX_WBITS: gzip wrapper only.
  if (z.init(&s, 16 + MAX_WBITS, ZLIB_VERSION, static_cast<int>(sizeof(z_stream))) != Z_OK)
    throw fail("zlib could not start");
  struct Ender {
    const Zlib& z;
    z_stream& s;
    ~Ender() { z.end(&s); }
  } const ender{z, s};
  // avail_in is 32-bit; inputs are capped far below that (kMaxTraceFileBytes), so one feed does.
  if (compressed.size() > 0xFFFFFFFFu) throw fail("file too large");
  s.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  s.avail_in = static_cast<uInt>(compressed.size());
  std::string out;
  std::string chunk(std::size_t{1} << 16, '\0');
  for (;;) {
    s.next_out = reinterpret_cast<Bytef*>(chunk.data());
    s.avail_out = static_cast<uInt>(chunk.size());
    const int rc = z.inflate(&s, Z_NO_FLUSH);
    const std::size_t produced = chunk.size() - s.avail_out;
    if (out.size() + produced > max_output)
      throw InputError(display_name, "",
                       "gzip file decompresses to more than " + std::to_string(max_output >> 20) +
                           " MiB; refusing to read it");
    out.append(chunk.data(), produced);
    if (rc == Z_STREAM_END) {
      // Another member may follow (gzip -c a b > ab.gz); anything else after the end is an error.
      if (s.avail_in == 0) break;
      if (!is_gzip(std::string_view(reinterpret_cast<const char*>(s.next_in), s.avail_in)))
        throw fail("unexpected data after the end of the compressed stream");
      if (z.reset(&s) != Z_OK) throw fail("zlib could not restart");
      continue;
    }
    if (rc == Z_OK) continue;
    if (rc == Z_BUF_ERROR && s.avail_in == 0) throw fail("the file is truncated");
    if (rc == Z_DATA_ERROR) throw fail(std::string("corrupt data (") + (s.msg ? s.msg : "inflate failed") + ")");
    if (rc == Z_MEM_ERROR) throw fail("out of memory");
    throw fail("inflate failed (zlib code " + std::to_string(rc) + ")");
  }
  return out;
}



}  // namespace spotsim::load_trace_detail
