# The light HIH on the wild synthetic faces: configs/hih_synthetic_wild.py
# (data, augmentation, optimiser, 24 epochs, 128 px, HIH's codec, decimal
# branch, losses and decode) with mmpose's LiteHRNet-18 in place of the small
# hourglass (configs/_base_/models/litehrnet_18.py). Its same-budget mmpose
# twin: configs/td-hm_litehrnet-18_dark-1xb16-24e_synthetic-wild-128x128.py;
# the table and its commands: docs/light_hih.md.
_base_ = ['./hih_synthetic_wild.py', './_base_/models/litehrnet_18.py']

model = dict(
    backbone=dict(_base_.litehrnet_18, _delete_=True),
    head=_base_.litehrnet_18_head)
