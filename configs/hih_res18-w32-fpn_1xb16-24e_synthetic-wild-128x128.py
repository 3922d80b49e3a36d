# The dense light HIH on the wild synthetic faces:
# configs/hih_synthetic_wild.py (data, augmentation, optimiser, 24 epochs,
# 128 px, HIH's codec, decimal branch, losses and decode) with mmpose's
# ResNet-18 at half width + FPN in place of the small hourglass
# (configs/_base_/models/res18_w32_fpn.py). Its same-budget mmpose twin:
# configs/td-hm_res18-w32-fpn_dark-1xb16-24e_synthetic-wild-128x128.py; the
# table and its commands: docs/light_hih.md.
_base_ = ['./hih_synthetic_wild.py', './_base_/models/res18_w32_fpn.py']

model = dict(
    backbone=dict(_base_.res18_w32, _delete_=True),
    neck=_base_.res18_w32_fpn_neck,
    head=_base_.res18_w32_fpn_head)
