#include "tools/statistics.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>

#include <boost/math/distributions/students_t.hpp>

namespace spotsim {

double student_t_quantile(double p, int degrees_of_freedom) {
  const boost::math::students_t dist(static_cast<double>(degrees_of_freedom));
  return boost::math::quantile(dist, p);
}

Estimate estimate(const Eigen::Ref<const Eigen::VectorXd>& samples) {
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  Estimate e;
  e.n = static_cast<int>(samples.size());
  if (e.n == 0) return {0, nan, nan, nan, nan};
  e.mean = samples.mean();
  if (e.n < 2) {
    e.sd = e.ci95_low = e.ci95_high = nan;
    return e;
  }
  // Two passes (deviations from the mean) rather than sum of squares: no cancellation for figures
  // like costs that vary little around a large mean.
  const Eigen::VectorXd dev = samples.array() - e.mean;
  e.sd = std::sqrt(dev.squaredNorm() / (e.n - 1));
  const double half = student_t_quantile(0.975, e.n - 1) * e.sd / std::sqrt(static_cast<double>(e.n));
  e.ci95_low = e.mean - half;
  e.ci95_high = e.mean + half;
  return e;
}

Estimate paired_difference(const Eigen::Ref<const Eigen::VectorXd>& base, const Eigen::Ref<const Eigen::VectorXd>& variant) {
  if (base.size() != variant.size()) throw std::invalid_argument("paired_difference: different numbers of replications");
  return estimate(variant - base);
}

}  // namespace spotsim
