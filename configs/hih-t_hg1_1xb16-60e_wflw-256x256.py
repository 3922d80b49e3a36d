# HIH-T: the published network with 1 hourglass stack on WFLW.
_base_ = ['./hih_wflw.py']
model = dict(backbone=dict(num_stacks=1), head=dict(num_stages=1))
