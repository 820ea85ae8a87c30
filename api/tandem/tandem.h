// tandem/tandem.h: the whole public interface of the tandem library.
#pragma once

#include "tandem/errors.h"
#include "tandem/metrics.h"
#include "tandem/model_file.h"
#include "tandem/summarizer.h"
#include "tandem/trainer.h"
#include "tandem/translator.h"
#include "tandem/version.h"
