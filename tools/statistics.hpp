#pragma once
// The statistics of replications (issue 6): a sweep's aggregate per grid point and compare's paired
// differences, with Eigen. Replications are independent runs of one setting (different seeds), so
// the mean's 95 % confidence interval is Student's: mean ± t(0.975, n − 1) · s / √n, s the sample
// standard deviation (n − 1 in the denominator). With common random numbers a base and a variant
// share replication r's seed, so their difference is estimated from the n paired differences
// (a paired t interval), which removes the noise both runs share.
#include <Eigen/Dense>

namespace spotsim {

struct Estimate {
  int n = 0;
  double mean = 0;
  double sd = 0;         // sample standard deviation; NaN below 2 samples
  double ci95_low = 0;   // NaN below 2 samples
  double ci95_high = 0;
  double half_width() const { return (ci95_high - ci95_low) / 2; }
};

// Mean, standard deviation and 95 % confidence interval of the mean of `samples` (NaN everywhere
// for no sample). Exact for equal samples: sd 0, the interval collapses on the mean.
Estimate estimate(const Eigen::Ref<const Eigen::VectorXd>& samples);

// The paired difference variant − base, replication by replication (same length required).
Estimate paired_difference(const Eigen::Ref<const Eigen::VectorXd>& base, const Eigen::Ref<const Eigen::VectorXd>& variant);

// Student's t quantile t(p, dof) (Boost.Math), e.g. t(0.975, 4) = 2.776.
double student_t_quantile(double p, int degrees_of_freedom);

}  // namespace spotsim
