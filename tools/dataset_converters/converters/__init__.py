# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Readers of the raw WFLW / 300W / COFW releases (imported as
``converters.*`` by the scripts of tools/dataset_converters)."""
