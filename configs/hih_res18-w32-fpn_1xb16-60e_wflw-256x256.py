# The dense light HIH on WFLW (98 landmarks): configs/hih_wflw.py (data,
# augmentation, upright crops of rolled faces, optimiser, 60 epochs, HIH's
# codec, decimal branch, losses and decode) with mmpose's ResNet-18 at half
# width + FPN in place of the hourglass
# (configs/_base_/models/res18_w32_fpn.py). Not trained here (no WFLW):
# docs/light_hih.md.
_base_ = ['./hih_wflw.py', './_base_/models/res18_w32_fpn.py']

model = dict(
    backbone=dict(_base_.res18_w32, _delete_=True),
    neck=_base_.res18_w32_fpn_neck,
    head=_base_.res18_w32_fpn_head)
