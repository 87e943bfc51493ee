# A file with nothing but comments: nothing to run, nothing to train.
