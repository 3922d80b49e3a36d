# The light HIH on the embedded synthetic faces: the quick start
# (configs/hih_synthetic.py: data, augmentation, optimiser, 12 epochs, 128 px,
# HIH's codec, decimal branch, losses and decode) with mmpose's LiteHRNet-18
# in place of the small hourglass (configs/_base_/models/litehrnet_18.py).
# docs/light_hih.md.
_base_ = ['./hih_synthetic.py', './_base_/models/litehrnet_18.py']

model = dict(
    backbone=dict(_base_.litehrnet_18, _delete_=True),
    head=_base_.litehrnet_18_head)
