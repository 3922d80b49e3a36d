# The dense light HIH on the embedded synthetic faces: the quick start
# (configs/hih_synthetic.py: data, augmentation, optimiser, 12 epochs, 128 px,
# HIH's codec, decimal branch, losses and decode) with mmpose's ResNet-18 at
# half width + FPN in place of the small hourglass
# (configs/_base_/models/res18_w32_fpn.py). docs/light_hih.md.
_base_ = ['./hih_synthetic.py', './_base_/models/res18_w32_fpn.py']

model = dict(
    backbone=dict(_base_.res18_w32, _delete_=True),
    neck=_base_.res18_w32_fpn_neck,
    head=_base_.res18_w32_fpn_head)
