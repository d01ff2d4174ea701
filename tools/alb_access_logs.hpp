#pragma once
// Application Load Balancer access logs as a load source (workload.traffic[].requests
// {"albAccessLogs": ...}): the request times become the offered-rate profile, and the logs' own
// outcome counts are kept to be reported beside the simulation's.
//
// Format: AWS's documented access-log entry (alb_format_reference/load-balancer-access-logs.md), one
// request per line, fields separated by single spaces, some enclosed in double quotes (they may hold
// spaces; a backslash escapes the next character). Fields read, by position (0-based):
//   0 type (any token: "ignore any other values"), 1 time (ISO 8601 UTC, microseconds: when the
//   load balancer generated the response), 5 request_processing_time, 6 target_processing_time,
//   7 response_processing_time (seconds; -1 when not dispatched to a target), 8 elb_status_code,
//   9 target_status_code ("-" when no target answered), 21 request_creation_time (only with
//   "requestTime": "requestCreationTime").
// Later fields and fields AWS adds at the end are ignored. A line with fewer than 12 fields
// (through sent_bytes; 22 with "requestCreationTime"), an unterminated quote, or a bad value in a
// field read is an error naming the file and the line. Blank lines are skipped. Entries need not
// be in time order (each load balancer node writes its own file, and a line's time is when the
// response was sent, not when the request came): order and repeats are no error here, unlike in a
// CSV or CloudWatch trace. Logs with no entry at all are an error at line 1 of the first empty file.
//
// Request time: by default the response time minus the three processing times that are >= 0
// (each has millisecond precision); "requestTime": "requestCreationTime" takes field 21 instead.
// Requests are counted per `per` bucket (default 1 s; buckets aligned to multiples of `per` since
// the Unix epoch).
//
// Files: gzip (what ELB writes to S3, .log.gz; recognised by its magic bytes, whatever the name;
// several gzip members back to back are read as one) or plain text. A directory is read
// recursively, files sorted by path; in a directory only names ending in ".log" or ".gz" are read
// (files named explicitly are read whatever their name).
#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace spotsim {

// The logs' own outcome counts.
struct AlbLogCounts {
  std::uint64_t requests = 0;  // entries (a WebSockets connection is one entry)
  // By the first digit of the status code: [1] 1xx ... [5] 5xx; [0] "-" (elb: no status logged;
  // target: no connection or no response from a target).
  std::array<std::uint64_t, 6> elb_by_class{};
  std::array<std::uint64_t, 6> target_by_class{};
  std::uint64_t elb_5xx = 0;     // elb_status_code 5xx (equals elb_by_class[5]): the load balancer's
                                 // own and the targets' 5xx passed on to the client
  std::uint64_t elb_generated_5xx = 0;  // elb 5xx with target_status_code "-": the load balancer's
                                        // own errors (CloudWatch HTTPCode_ELB_5XX_Count)
  // Of elb_generated_5xx, by code (CloudWatch HTTPCode_ELB_502_Count, _503_, _504_: "originate from
  // the load balancer"; a target's own 502/503/504 is in target_5xx instead):
  std::uint64_t elb_502 = 0;     // Bad Gateway: the target closed the connection or sent a bad response
  std::uint64_t elb_503 = 0;     // Service Unavailable: no registered target
  std::uint64_t elb_504 = 0;     // Gateway Timeout: the target did not answer in time
  std::uint64_t target_5xx = 0;  // target_status_code 5xx (HTTPCode_Target_5XX_Count; equals target_by_class[5])
  std::int64_t first_request_epoch_ms = 0;  // earliest and latest request time (valid when requests > 0)
  std::int64_t last_request_epoch_ms = 0;
  std::size_t files = 0;  // files read
};

// Requests counted per bucket: (bucket start, epoch ms; count), sorted by start, counts > 0.
struct AlbRequestBuckets {
  std::vector<std::pair<std::int64_t, std::uint64_t>> buckets;
  std::int64_t per_ms = 1000;
  AlbLogCounts counts;
};

enum class AlbRequestTime { computed, request_creation_time };

// Reads `paths` (files or directories, already resolved) in order; each directory's files sorted by
// path. `display_names[i]` names paths[i] in messages (files inside a directory are named by their
// path under it). Throws InputError: a file that cannot be read, a malformed line (file and line),
// no request at all, more than kMaxAlbFiles files or kMaxLoadSteps distinct buckets.
AlbRequestBuckets read_alb_access_logs(const std::vector<std::filesystem::path>& paths,
                                       const std::vector<std::string>& display_names, std::int64_t per_ms,
                                       AlbRequestTime request_time);

inline constexpr std::size_t kMaxAlbFiles = 1'000'000;

}  // namespace spotsim
