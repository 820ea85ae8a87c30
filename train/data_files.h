// train/data_files.h: the data files of a recipe's split (train, valid or
// test) and how their lines are read: one or more line-aligned pairs, read in
// order as one corpus, each source line behind its pair's tag.
#pragma once

#include <string>
#include <vector>

namespace tandem {

// One pair of line-aligned files, resolved against data_root. In a
// multilingual model each pair has a `tag` such as ">>de<<": a reserved piece
// of the vocabulary put before every source line to name the language to
// produce (tandem translate --tag).
struct DataFiles {
  std::string src, tgt;
  std::string tag;
  // How reports name the pair: the tag without >> and <<, else the target file's name.
  std::string label() const;
};

// A split (train, valid or test): one or more pairs, read in order as one corpus.
using DataSplit = std::vector<DataFiles>;

// The tags of a split's pairs, each once (the vocabulary reserves them).
std::vector<std::string> split_tags(const DataSplit& split);

// The source files of a split, in order (denoising reads only these).
std::vector<std::string> source_files(const DataSplit& split);

// The source lines of a pair, each behind the pair's tag ("TAG line") when it has one.
std::vector<std::string> read_source_lines(const DataFiles& files);

}  // namespace tandem
