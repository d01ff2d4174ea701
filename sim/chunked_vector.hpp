#pragma once
// An append-only table of records that keep their index for the whole run (tasks, instances):
// indexed like a vector, stored in fixed-size chunks. A year of churn appends millions of
// records; a std::vector would copy them all at every doubling and hold old and new buffers at
// once (up to 3× the records at the peak), where this holds at most one partly filled chunk more.
// References stay valid as the table grows (a chunk never moves).
//
// Cost: operator[] is a shift, a mask and two loads; push_back allocates once per kChunk records.
#include <cstddef>
#include <iterator>
#include <memory>
#include <utility>
#include <vector>

#include "sim/huge_pages.hpp"
#include "sim/prefault.hpp"

namespace spotsim {

template <class T, std::size_t kChunkLog2 = 11>
class ChunkedVector {
 public:
  static constexpr std::size_t kChunk = std::size_t{1} << kChunkLog2;

  class const_iterator {
   public:
    using iterator_category = std::random_access_iterator_tag;
    using value_type = T;
    using difference_type = std::ptrdiff_t;
    using pointer = const T*;
    using reference = const T&;

    const_iterator() = default;
    const_iterator(const ChunkedVector* table, std::size_t index) : table_(table), index_(index) {}
    reference operator*() const { return (*table_)[index_]; }
    pointer operator->() const { return &(*table_)[index_]; }
    reference operator[](difference_type n) const { return (*table_)[index_ + static_cast<std::size_t>(n)]; }
    const_iterator& operator++() { ++index_; return *this; }
    const_iterator operator++(int) { const_iterator old = *this; ++index_; return old; }
    const_iterator& operator--() { --index_; return *this; }
    const_iterator operator--(int) { const_iterator old = *this; --index_; return old; }
    const_iterator& operator+=(difference_type n) { index_ += static_cast<std::size_t>(n); return *this; }
    const_iterator& operator-=(difference_type n) { index_ -= static_cast<std::size_t>(n); return *this; }
    friend const_iterator operator+(const_iterator it, difference_type n) { return it += n; }
    friend const_iterator operator+(difference_type n, const_iterator it) { return it += n; }
    friend const_iterator operator-(const_iterator it, difference_type n) { return it -= n; }
    friend difference_type operator-(const const_iterator& a, const const_iterator& b) {
      return static_cast<difference_type>(a.index_) - static_cast<difference_type>(b.index_);
    }
    friend bool operator==(const const_iterator& a, const const_iterator& b) { return a.index_ == b.index_; }
    friend auto operator<=>(const const_iterator& a, const const_iterator& b) { return a.index_ <=> b.index_; }

   private:
    const ChunkedVector* table_ = nullptr;
    std::size_t index_ = 0;
  };
  using value_type = T;
  using size_type = std::size_t;
  using iterator = const_iterator;  // the owner writes through operator[]; readers get const access

  ChunkedVector() = default;
  ChunkedVector(const ChunkedVector& o) { *this = o; }
  ChunkedVector(ChunkedVector&&) noexcept = default;
  ChunkedVector& operator=(ChunkedVector&&) noexcept = default;
  ChunkedVector& operator=(const ChunkedVector& o) {
    if (this == &o) return *this;
    clear();
    for (const T& x : o) push_back(x);
    return *this;
  }

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  T& operator[](std::size_t i) { return chunks_[i >> kChunkLog2][i & (kChunk - 1)]; }
  const T& operator[](std::size_t i) const { return chunks_[i >> kChunkLog2][i & (kChunk - 1)]; }
  T& front() { return (*this)[0]; }
  const T& front() const { return (*this)[0]; }
  T& back() { return (*this)[size_ - 1]; }
  const T& back() const { return (*this)[size_ - 1]; }

  template <class... Args>
  T& emplace_back(Args&&... args) {
    if ((size_ & (kChunk - 1)) == 0) {
      chunks_.emplace_back();
      chunks_.back().reserve(kChunk);  // exactly one chunk: it never reallocates, so never moves
      // Filled over the next kChunk appends: its pages faulted in ahead (sim/prefault.hpp) — from
      // the second chunk on, in a table that is growing (a short run's first chunk is mostly
      // never touched, and waking the helper costs ~30 µs on a paravirtualised guest).
      if (chunks_.size() >= 2) prefault::request(chunks_.back().data(), kChunk * sizeof(T));
      huge_pages::grew();  // the heap may have grown for it (sim/huge_pages.hpp)
    }
    ++size_;
    return chunks_.back().emplace_back(std::forward<Args>(args)...);
  }
  void push_back(const T& x) { emplace_back(x); }
  void push_back(T&& x) { emplace_back(std::move(x)); }
  // Appends copies of `fill` up to size n (no-op when already that large): a table by a dense id.
  void grow_to(std::size_t n, const T& fill) {
    while (size_ < n) emplace_back(fill);
  }
  void clear() {
    chunks_.clear();
    size_ = 0;
  }

  const_iterator begin() const { return {this, 0}; }
  const_iterator end() const { return {this, size_}; }

 private:
  std::vector<std::vector<T>> chunks_;
  std::size_t size_ = 0;
};

}  // namespace spotsim
