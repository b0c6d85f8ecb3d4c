# SPDX-License-Identifier: GPL-2.0-only
# The test harness's shim, never part of vmk-hostd: Debian 12's pyVmomi
# 6.7.1 lacks VmomiSupport.VmomiJSONEncoder (pyvmomi PR 732, released
# after 6.7.1), which community.vmware's module_utils/vmware.py uses for
# every VM's facts (guest_question) and to_json(). hostd_ansible.sh puts
# this folder on PYTHONPATH so each Python that Ansible starts loads it.
# It gives a data object as a dict of its properties with its type in
# "_vimtype", a managed object as "vim.Type:moid", as the upstream one.
import base64
import datetime
import json

try:
    from pyVmomi import VmomiSupport
except ImportError:
    VmomiSupport = None


class VmomiJSONEncoder(json.JSONEncoder):
    def __init__(self, *args, **kwargs):
        self._strip_dynamic = kwargs.pop("strip_dynamic", False)
        kwargs.pop("explode", None)
        json.JSONEncoder.__init__(self, *args, **kwargs)

    def default(self, obj):
        if isinstance(obj, VmomiSupport.ManagedObject):
            return "vim.%s:%s" % (obj._wsdlName, obj._moId)
        if isinstance(obj, VmomiSupport.DataObject):
            result = {"_vimtype": "vim." + obj._wsdlName}
            for prop in obj._GetPropertyList():
                if self._strip_dynamic and prop.name in ("dynamicType", "dynamicProperty"):
                    continue
                result[prop.name] = getattr(obj, prop.name)
            return result
        if isinstance(obj, bytes):
            return base64.b64encode(obj).decode("ascii")
        if isinstance(obj, datetime.datetime):
            return obj.isoformat()
        if isinstance(obj, type):
            return obj.__name__
        return json.JSONEncoder.default(self, obj)


if VmomiSupport is not None and not hasattr(VmomiSupport, "VmomiJSONEncoder"):
    VmomiSupport.VmomiJSONEncoder = VmomiJSONEncoder
