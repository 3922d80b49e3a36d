# HIH-B: the published network with 4 hourglass stacks on WFLW (the same
# model as configs/hih_wflw.py, under mmpose's naming scheme).
_base_ = ['./hih_wflw.py']
