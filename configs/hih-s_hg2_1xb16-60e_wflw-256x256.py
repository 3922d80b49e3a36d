# HIH-S: the published network with 2 hourglass stacks on WFLW.
_base_ = ['./hih_wflw.py']
model = dict(backbone=dict(num_stacks=2), head=dict(num_stages=2))
