#include "image/jpeg_decoder.h"

#include <fmt/format.h>

// jpeglib.h needs FILE and size_t declared first, so these keep their order.
// clang-format off
#include <csetjmp>
#include <cstddef>
#include <cstdio>
#include <jpeglib.h>
// clang-format on

#include <new>
#include <opencv2/core.hpp>
#include <string>

#include "base/elapsed.h"

namespace cardmint::image {
namespace {

// libjpeg reports fatal errors by calling error_exit, which must not return; longjmp back to
// run_decode() is the documented way out (example.txt). Everything the jump must not lose lives
// in this struct, never in locals of the frame that called setjmp, so nothing is clobbered.
struct JpegJob {
  jpeg_decompress_struct cinfo{};
  jpeg_error_mgr errors{};
  jpeg_progress_mgr progress{};
  std::jmp_buf jump{};
  std::chrono::nanoseconds cpu_deadline{0};  // on the thread's CPU clock; 0: none
  unsigned progress_calls = 0;
  bool timed_out = false;
  char message[JMSG_LENGTH_MAX] = {};
  cv::Mat out;
  cv::Mat cmyk_row;  // here, not a local: a longjmp out of a scope would skip its destructor
};

JpegJob& job_of(j_common_ptr cinfo) { return *static_cast<JpegJob*>(cinfo->client_data); }

[[noreturn]] void on_error(j_common_ptr cinfo) {
  JpegJob& job = job_of(cinfo);
  (*cinfo->err->format_message)(cinfo, job.message);
  std::longjmp(job.jump, 1);
}

// Corrupt-data warnings ("extraneous bytes before marker") are not errors, as for cv::imdecode;
// truncation was caught by the caller's marker walk before we got here.
void on_message(j_common_ptr) {}

// Called by libjpeg between rows and, for progressive files, between the rows of every scan as
// it reads them in jpeg_start_decompress(), so the limit is noticed within a row's work.
void on_progress(j_common_ptr cinfo) {
  JpegJob& job = job_of(cinfo);
  // The CPU clock is a system call; every 16th row is still well within a millisecond.
  if (++job.progress_calls % 16 != 0) return;
  if (thread_cpu_time() > job.cpu_deadline) {
    job.timed_out = true;
    std::longjmp(job.jump, 1);
  }
}

// Adobe's inverted CMYK (what libjpeg hands back for CMYK and YCCK) to RGB, the formula of
// OpenCV's icvCvt_CMYK2BGR_8u_C4C3R, so these files decode as they did through cv::imdecode.
void cmyk_row_to_rgb(const JSAMPLE* cmyk, std::uint8_t* rgb, int width) {
  for (int x = 0; x < width; ++x, cmyk += 4, rgb += 3) {
    const int k = cmyk[3];
    rgb[0] = static_cast<std::uint8_t>(k - (((255 - cmyk[0]) * k) >> 8));
    rgb[1] = static_cast<std::uint8_t>(k - (((255 - cmyk[1]) * k) >> 8));
    rgb[2] = static_cast<std::uint8_t>(k - (((255 - cmyk[2]) * k) >> 8));
  }
}

// False when libjpeg gave up (job.message says why) or the deadline passed (job.timed_out).
bool run_decode(JpegJob& job, std::span<const std::uint8_t> bytes, int reduction) {
  if (setjmp(job.jump) != 0) return false;
  jpeg_decompress_struct& cinfo = job.cinfo;
  jpeg_mem_src(&cinfo, bytes.data(), static_cast<unsigned long>(bytes.size()));
  jpeg_read_header(&cinfo, TRUE);
  const bool cmyk = cinfo.jpeg_color_space == JCS_CMYK || cinfo.jpeg_color_space == JCS_YCCK;
  cinfo.out_color_space = cmyk ? JCS_CMYK : JCS_RGB;
  cinfo.scale_num = 1;
  cinfo.scale_denom = static_cast<unsigned int>(reduction);
  jpeg_start_decompress(&cinfo);
  job.out.create(static_cast<int>(cinfo.output_height), static_cast<int>(cinfo.output_width),
                 CV_8UC3);
  if (cmyk) {
    job.cmyk_row.create(1, static_cast<int>(cinfo.output_width), CV_8UC4);
    JSAMPROW rows[1] = {job.cmyk_row.data};
    while (cinfo.output_scanline < cinfo.output_height) {
      const int y = static_cast<int>(cinfo.output_scanline);
      jpeg_read_scanlines(&cinfo, rows, 1);
      cmyk_row_to_rgb(job.cmyk_row.data, job.out.ptr(y), job.out.cols);
    }
  } else {
    while (cinfo.output_scanline < cinfo.output_height) {
      JSAMPROW rows[1] = {job.out.ptr(static_cast<int>(cinfo.output_scanline))};
      jpeg_read_scanlines(&cinfo, rows, 1);
    }
  }
  jpeg_finish_decompress(&cinfo);
  return true;
}

}  // namespace

Result<cv::Mat> decode_jpeg_rgb(std::span<const std::uint8_t> bytes,
                                const JpegDecodeRequest& request) {
  JpegJob job;
  job.cinfo.err = jpeg_std_error(&job.errors);
  job.errors.error_exit = on_error;
  job.errors.output_message = on_message;
  job.cinfo.client_data = &job;
  jpeg_create_decompress(&job.cinfo);
  if (request.cpu_limit.count() > 0) {
    job.cpu_deadline = thread_cpu_time() + request.cpu_limit;
    job.progress.progress_monitor = on_progress;
    job.cinfo.progress = &job.progress;
  }
  bool decoded = false;
  try {
    decoded = run_decode(job, bytes, request.reduction);
  } catch (const cv::Exception&) {  // cv::Mat::create() out of memory; libjpeg's come as errors
    jpeg_destroy_decompress(&job.cinfo);
    return Status::internal("out of memory decoding a JPEG");
  } catch (const std::bad_alloc&) {
    jpeg_destroy_decompress(&job.cinfo);
    return Status::internal("out of memory decoding a JPEG");
  }
  const long completed = job.progress.completed_passes;
  const long total = job.progress.total_passes;
  jpeg_destroy_decompress(&job.cinfo);
  if (job.timed_out) {
    return Status::unprocessable(fmt::format(
        "JPEG decode stopped at the {} ms decode time limit (DECODE_TIMEOUT_MS), after {} of {} "
        "passes",
        request.cpu_limit.count(), completed, total));
  }
  if (!decoded) {
    const std::string why = job.message;
    if (why.find("Insufficient memory") != std::string::npos) {
      return Status::internal("out of memory decoding a JPEG");
    }
    return Status::unprocessable("corrupt JPEG: " + why);
  }
  return std::move(job.out);
}

}  // namespace cardmint::image
