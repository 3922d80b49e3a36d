# The light HIH on COFW (29 landmarks): configs/hih_cofw.py (data,
# augmentation, upright crops of rolled faces, optimiser, 60 epochs, HIH's
# codec, decimal branch, losses and decode) with mmpose's LiteHRNet-18 in
# place of the hourglass (configs/_base_/models/litehrnet_18.py). Not
# trained here (no COFW): docs/light_hih.md.
_base_ = ['./hih_cofw.py', './_base_/models/litehrnet_18.py']

model = dict(
    backbone=dict(_base_.litehrnet_18, _delete_=True),
    head=_base_.litehrnet_18_head)
